using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Server.Benchmarks.EngineDoubles;
using static CodeLsp.Server.Tests.Engines.EngineKit;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>The <c>llama.cpp</c> engine against the llama-server double.</summary>
public sealed class LlamaCppEngineTests
{
    [Fact]
    public async Task Infill_sends_prefix_suffix_and_the_context_as_input_extra_with_caps_and_no_slot()
    {
        await using var server = new LlamaServerDouble();
        server.Model.Answer = "Save(item);";
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);
        var prompt = Prompt with { ContextChunks = [new FimContextChunk("Inventory/StockItem.cs", "record StockItem(string Sku);"), new FimContextChunk("", "// usings")] };

        var probe = await engine.ConnectAsync(CancellationToken.None);
        var result = await engine.CompleteAsync(prompt, Limits(maxTokens: 48, timeLimitMs: 800), CancellationToken.None);

        Assert.Equal("qwen2.5-coder-7b-q8_0.gguf", probe.ModelName);
        Assert.Equal("Save(item);", result.Text);
        Assert.Equal(StopReason.EndOfGeneration, result.StopReason);
        Assert.Equal(412, result.PromptTokens);
        Assert.Equal(400, result.ReusedPromptTokens);
        var json = server.Http.Requests.Single(r => r.Path == "/infill").Json;
        Assert.Equal(Prompt.Prefix, json.GetProperty("input_prefix").GetString());
        Assert.Equal(Prompt.Suffix, json.GetProperty("input_suffix").GetString());
        Assert.Equal("", json.GetProperty("prompt").GetString());
        var extra = json.GetProperty("input_extra").EnumerateArray().Select(c => (c.GetProperty("filename").GetString(), c.GetProperty("text").GetString())).ToList();
        Assert.Equal([("Inventory/StockItem.cs", "record StockItem(string Sku);"), ("", "// usings")], extra);
        Assert.Equal(48, json.GetProperty("n_predict").GetInt32());
        Assert.Equal(800, json.GetProperty("t_max_predict_ms").GetInt32());
        Assert.True(json.GetProperty("cache_prompt").GetBoolean());
        Assert.True(json.GetProperty("stream").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, json.GetProperty("stop").ValueKind);
        Assert.False(json.TryGetProperty("id_slot", out _));
        Assert.False(json.TryGetProperty("input_suffix_raw", out _));
    }

    [Fact]
    public async Task Without_chunks_the_rendered_context_is_one_input_extra_chunk()
    {
        await using var server = new LlamaServerDouble();
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);

        await engine.CompleteAsync(Prompt, Limits(), CancellationToken.None);

        var chunk = server.Http.Requests.Single().Json.GetProperty("input_extra")[0];
        Assert.Equal(Prompt.Context, chunk.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_model_without_fim_tokens_falls_back_to_a_raw_prompt_on_completion_for_good()
    {
        await using var server = new LlamaServerDouble { HasFim = false };
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);
        await engine.ConnectAsync(CancellationToken.None);

        var first = await engine.CompleteAsync(Prompt, Limits(), CancellationToken.None);
        var second = await engine.CompleteAsync(Prompt, Limits(), CancellationToken.None);

        Assert.Equal("Save(item);\n", first.Text);
        Assert.Equal("Save(item);\n", second.Text);
        Assert.True(engine.UsesRawPrompts);
        Assert.Equal(["/v1/models", "/infill", "/completion", "/completion"], server.Http.Requests.Select(r => r.Path));
        var raw = server.Http.Requests.Last().Json;
        Assert.Equal("<|fim_prefix|>" + Prompt.Context + Prompt.Prefix + "<|fim_suffix|>" + Prompt.Suffix + "<|fim_middle|>", raw.GetProperty("prompt").GetString());
        Assert.Contains("<|endoftext|>", raw.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData(503, EngineProblem.Busy, "Loading model")]
    [InlineData(401, EngineProblem.Unauthorized, "codelsp.engineApiKeyEnv")]
    [InlineData(400, EngineProblem.Rejected, "input_extra")]
    [InlineData(400, EngineProblem.Rejected, "exceed")]
    public async Task Documented_errors_map_to_problems_with_their_message(int status, EngineProblem problem, string says)
    {
        await using var server = new LlamaServerDouble();
        if (status == 503) server.Loading = true;
        if (status == 401) server.ApiKey = "k";
        if (says == "input_extra") server.Override = r => r.Path == "/infill" ? LlamaServerDouble.Error(400, "\"input_extra\" must be an array of {\"filename\": string, \"text\": string}", "invalid_request_error") : null;
        if (says == "exceed") server.Override = r => r.Path == "/infill"
            ? DoubleModel.Json(400, "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":5000,\"n_ctx\":4096}}")
            : null;
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(problem, error.Problem);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains(says, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_mid_stream_error_in_either_framing_fails_the_request(bool olderFraming)
    {
        await using var server = new LlamaServerDouble();
        server.Override = r => r.Path == "/infill" ? LlamaServerDouble.MidStreamError("Sa", olderFraming) : null;
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(EngineProblem.ServerError, error.Problem);
        Assert.Contains("llama_decode failed", error.Message);
    }

    [Fact]
    public async Task A_cancelled_request_is_a_closed_connection_the_server_sees()
    {
        await using var server = new LlamaServerDouble { PieceDelay = TimeSpan.FromMilliseconds(300) };
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url), Logger);
        using var typing = new CancellationTokenSource();

        var request = engine.CompleteAsync(Prompt, Limits(), typing.Token);
        Assert.True(await server.Http.WaitUntilAsync(d => d.InFlight == 1, TimeSpan.FromSeconds(5)));
        typing.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        Assert.True(await server.Http.WaitUntilAsync(d => d.ClosedByClient == 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Chat_goes_to_v1_chat_completions_with_the_grammar()
    {
        await using var server = new LlamaServerDouble();
        server.Model.ChatAnswer = "```csharp\nvar count = 1;\n```";
        using var engine = new LlamaCppEngine(Options(EngineKinds.LlamaCpp, server.Url, key: "k"), Logger);
        server.ApiKey = "k";

        var answer = await engine.ChatAsync(EngineKit.Chat with { Grammar = "root ::= [a-z]+" }, Limits(maxTokens: 256), CancellationToken.None);

        Assert.Equal("var count = 1;\n", answer.Text);
        var request = server.Http.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Equal("root ::= [a-z]+", request.Json.GetProperty("grammar").GetString());
        Assert.False(request.Json.TryGetProperty("model", out _));
        Assert.Equal("Bearer k", request.Header("Authorization"));
    }
}
