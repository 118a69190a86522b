using CodeLsp.Inference;

namespace CodeLsp.Inference.Tests;

[Collection(ModelCollection.Name)]
public sealed class PromptTrimTests(ModelFixture models)
{
    [Theory]
    [InlineData(100, 100, 100)]   // fits: nothing dropped
    [InlineData(1000, 999, 872)]  // one token over: a whole step goes
    [InlineData(1000, 873, 872)]
    [InlineData(1000, 872, 872)]  // exactly a step over
    [InlineData(1000, 871, 744)]
    [InlineData(100, 10, 0)]      // cannot keep a whole step: nothing is kept
    public void Drops_whole_steps_from_the_start(int available, int fits, int kept) =>
        Assert.Equal(kept, ModelHost.StableTrim(available, fits));

    [Fact]
    public async Task A_prompt_longer_than_the_context_still_reuses_the_cache_while_typing()
    {
        using var host = await models.LoadAsync(models.DefaultModel, contextSize: 256);
        var limits = new GenerationLimits(4, TimeSpan.FromSeconds(30));
        var prefix = string.Concat(Enumerable.Range(0, 60).Select(i => $"int v{i} = {i};\n")) + "return v";

        var first = await host.CompleteAsync(new FimPrompt(prefix, "\n}"), limits, CancellationToken.None);
        var second = await host.CompleteAsync(new FimPrompt(prefix + "1", "\n}"), limits, CancellationToken.None);

        Assert.True(first.PromptTokens < host.CountTokens(prefix), "the prompt was trimmed to fit the context");
        Assert.True(second.ReusedPromptTokens > second.PromptTokens / 2,
            $"reused {second.ReusedPromptTokens} of {second.PromptTokens}: the trimmed start moved");
    }
}
