namespace CodeLsp.Inference.Tests;

[Collection(ModelCollection.Name)]
public sealed class FimResolutionTests(ModelFixture models)
{
    private static readonly GenerationLimits s_limits = new(4, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Qwen_tokens_without_metadata_keys_resolve_by_name()
    {
        var path = models.Model("qwen-no-fim-keys", new TinyModelOptions { Name = "Qwen2.5-Coder-tiny", WriteFimMetadata = false });
        var tokens = Tokens(path);

        using var host = await models.LoadAsync(path);

        var fim = host.Description.FimTokens!;
        Assert.Equal(Array.IndexOf(tokens, "<|fim_prefix|>"), fim.Prefix);
        Assert.Equal(Array.IndexOf(tokens, "<|fim_suffix|>"), fim.Suffix);
        Assert.Equal(Array.IndexOf(tokens, "<|fim_middle|>"), fim.Middle);
        // The Qwen family's end tokens stop generation too.
        Assert.Contains(Array.IndexOf(tokens, "<|file_sep|>"), fim.StopTokens);
        Assert.Contains(Array.IndexOf(tokens, "<|im_end|>"), fim.StopTokens);
        var completion = await host.CompleteAsync(new FimPrompt("int x", ";"), s_limits, CancellationToken.None);
        Assert.Equal(4, completion.GeneratedTokens);
    }

    [Fact]
    public async Task Codestral_tokens_resolve_from_the_family_table()
    {
        var path = models.Model("codestral", new TinyModelOptions { Name = "Codestral-tiny", FimStyle = TinyFimStyle.Codestral });
        var tokens = Tokens(path);

        using var host = await models.LoadAsync(path);

        var fim = host.Description.FimTokens!;
        Assert.Equal("Codestral family table", fim.Source);
        Assert.Equal(Array.IndexOf(tokens, "[PREFIX]"), fim.Prefix);
        Assert.Equal(Array.IndexOf(tokens, "[SUFFIX]"), fim.Suffix);
        Assert.Equal(Array.IndexOf(tokens, "[MIDDLE]"), fim.Middle);
        var completion = await host.CompleteAsync(new FimPrompt("int x", ";") { Layout = FimLayout.SuffixPrefixMiddle }, s_limits, CancellationToken.None);
        Assert.Equal(4, completion.GeneratedTokens);
    }

    [Fact]
    public async Task Family_table_is_only_used_for_matching_names()
    {
        var path = models.Model("codestral-unnamed", new TinyModelOptions { Name = "some tiny model", FimStyle = TinyFimStyle.Codestral });

        using var host = await models.LoadAsync(path);

        Assert.False(host.Description.SupportsFim);
    }

    [Fact]
    public async Task Model_without_fim_tokens_gets_a_clear_error()
    {
        var path = models.Model("no-fim-qwen-name", new TinyModelOptions { FimStyle = TinyFimStyle.None, Name = "Qwen2.5-Coder-but-no-fim" });

        using var host = await models.LoadAsync(path);

        Assert.False(host.Description.SupportsFim);
        Assert.Null(host.Description.FimTokens);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.CompleteAsync(new FimPrompt("a", "b"), s_limits, CancellationToken.None));
        Assert.Equal("Model 'Qwen2.5-Coder-but-no-fim' has no fill-in-the-middle tokens; CodeLsp needs a code model with FIM such as Qwen2.5-Coder.", e.Message);
    }

    private static string[] Tokens(string path) => (string[])GgufInspector.Inspect(path).Metadata["tokenizer.ggml.tokens"];
}
