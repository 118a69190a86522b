using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Server.Benchmarks.EngineDoubles;
using static CodeLsp.Server.Tests.Engines.EngineKit;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>The <c>ollama</c> engine against the Ollama double.</summary>
public sealed class OllamaEngineTests
{
    [Fact]
    public async Task A_model_with_insert_gets_prompt_and_suffix_with_num_predict_and_keep_alive()
    {
        await using var ollama = new OllamaDouble();
        ollama.Model.Answer = "Save(item);";
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "qwen2.5-coder:7b-base"), Logger);

        var probe = await engine.ConnectAsync(CancellationToken.None);
        var result = await engine.CompleteAsync(Prompt, Limits(maxTokens: 40), CancellationToken.None);

        Assert.Equal("qwen2.5-coder:7b-base", probe.ModelName);
        Assert.True(engine.SupportsInsert);
        Assert.Equal(32768, engine.Info.ContextSize);
        Assert.Equal("Save(item);", result.Text);
        Assert.Equal(300, result.PromptTokens);
        var json = ollama.Http.Requests.Single(r => r.Path == "/api/generate").Json;
        Assert.Equal(Prompt.Context + Prompt.Prefix, json.GetProperty("prompt").GetString());
        Assert.Equal(Prompt.Suffix, json.GetProperty("suffix").GetString());
        Assert.False(json.TryGetProperty("raw", out _));
        Assert.Equal(40, json.GetProperty("options").GetProperty("num_predict").GetInt32());
        Assert.Equal("30m", json.GetProperty("keep_alive").GetString());
        Assert.True(json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task A_model_without_insert_gets_a_raw_prompt_in_its_familys_tokens()
    {
        await using var ollama = new OllamaDouble();
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "deepseek-coder:6.7b-base"), Logger);

        var result = await engine.CompleteAsync(Prompt, Limits(maxTokens: 2), CancellationToken.None);

        Assert.Equal("Save(ite", result.Text);
        Assert.Equal(StopReason.MaxTokens, result.StopReason);
        var json = ollama.Http.Requests.Single(r => r.Path == "/api/generate").Json;
        Assert.True(json.GetProperty("raw").GetBoolean());
        Assert.False(json.TryGetProperty("suffix", out _));
        Assert.StartsWith("<｜fim▁begin｜>", json.GetProperty("prompt").GetString());
        Assert.Contains("<｜end▁of▁sentence｜>", json.GetProperty("options").GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task An_unknown_model_names_engineModel()
    {
        await using var ollama = new OllamaDouble();
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "qwen2.5-coder:32b"), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.ConnectAsync(CancellationToken.None));

        Assert.Equal(EngineProblem.NotFound, error.Problem);
        Assert.Contains("codelsp.engineModel", error.Message);
        Assert.Contains("try pulling it first", error.Message);
    }

    [Fact]
    public async Task Suffix_to_a_model_without_insert_is_the_documented_400()
    {
        // What happens if a client sends suffix regardless: the double answers as Ollama does, and the engine reads it.
        await using var ollama = new OllamaDouble();
        ollama.Models["deepseek-coder:6.7b-base"] = true;
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "deepseek-coder:6.7b-base"), Logger);
        await engine.ConnectAsync(CancellationToken.None);
        ollama.Models["deepseek-coder:6.7b-base"] = false;

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(EngineProblem.Rejected, error.Problem);
        Assert.Contains("does not support insert", error.Message);
    }

    [Fact]
    public async Task An_error_line_after_streaming_began_fails_the_request()
    {
        await using var ollama = new OllamaDouble();
        ollama.Override = r => r.Path == "/api/generate" ? OllamaDouble.MidStreamError("Sa") : null;
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "qwen2.5-coder:7b-base"), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Contains("unexpected EOF", error.Message);
    }

    [Fact]
    public async Task Chat_goes_to_api_chat_as_ndjson()
    {
        await using var ollama = new OllamaDouble();
        ollama.Model.ChatAnswer = "```csharp\nvar total = 0m;\n```";
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url, model: "qwen2.5-coder:7b-base"), Logger);

        var answer = await engine.ChatAsync(EngineKit.Chat, Limits(maxTokens: 300), CancellationToken.None);

        Assert.Equal("var total = 0m;\n", answer.Text);
        var json = ollama.Http.Requests.Single(r => r.Path == "/api/chat").Json;
        Assert.Equal(300, json.GetProperty("options").GetProperty("num_predict").GetInt32());
        Assert.Equal("You refactor C#.", json.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Ollama_needs_a_model_name()
    {
        await using var ollama = new OllamaDouble();
        using var engine = new OllamaEngine(Options(EngineKinds.Ollama, ollama.Url), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.ConnectAsync(CancellationToken.None));

        Assert.Contains("codelsp.engineModel", error.Message);
        Assert.Empty(ollama.Http.Requests);
    }
}
