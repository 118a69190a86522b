using System.Text.Json;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Server.Benchmarks.EngineDoubles;
using static CodeLsp.Server.Tests.Engines.EngineKit;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>The <c>openai</c> engine against the vLLM double: what it sends, what it makes of every documented answer.</summary>
public sealed class OpenAiEngineTests
{
    [Fact]
    public async Task Completion_sends_a_raw_fim_prompt_with_caps_and_stops_and_never_suffix()
    {
        await using var vllm = new VllmDouble();
        vllm.Model.Answer = "Save(item);";
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url), Logger);

        var probe = await engine.ConnectAsync(CancellationToken.None);
        var result = await engine.CompleteAsync(Prompt, Limits(maxTokens: 24), CancellationToken.None);

        Assert.Equal("Qwen/Qwen2.5-Coder-7B", probe.ModelName);
        Assert.Null(probe.Warning);
        Assert.Equal("Save(item);", result.Text);
        Assert.Equal(StopReason.EndOfGeneration, result.StopReason);
        var sent = vllm.Http.Requests.Single(r => r.Path == "/v1/completions");
        var json = sent.Json;
        Assert.Equal("Qwen/Qwen2.5-Coder-7B", json.GetProperty("model").GetString());
        Assert.Equal("<|fim_prefix|>" + Prompt.Context + Prompt.Prefix + "<|fim_suffix|>" + Prompt.Suffix + "<|fim_middle|>", json.GetProperty("prompt").GetString());
        Assert.Equal(24, json.GetProperty("max_tokens").GetInt32());
        Assert.True(json.GetProperty("stream").GetBoolean());
        Assert.Contains("<|endoftext|>", json.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        Assert.False(json.TryGetProperty("suffix", out _));
        Assert.Null(sent.Header("Authorization"));
        Assert.Equal("application/json", sent.Header("Content-Type"));
    }

    [Fact]
    public async Task Without_engineModel_a_request_before_the_probe_asks_the_server_for_its_model_first()
    {
        await using var vllm = new VllmDouble();
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url), Logger);

        var answer = await engine.ChatAsync(new ChatRequest([new ChatMessage("user", "hi")]), Limits(), CancellationToken.None);

        Assert.Equal("Save(item);\n", answer.Text);
        Assert.Equal(["/v1/models", "/v1/chat/completions"], vllm.Http.Requests.Select(r => r.Path));
        Assert.Equal(vllm.ServedModelName, vllm.Http.Requests[1].Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Max_tokens_reached_is_reported_and_usage_counts_are_read()
    {
        await using var vllm = new VllmDouble();
        vllm.Model.Answer = "AAAABBBBCCCCDDDD";
        vllm.Override = r => r.Path == "/v1/completions" ? OpenAiStyle.Completions(vllm.Model, r.Json, vllm.ServedModelName, TimeSpan.Zero, usageChunk: true) : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var result = await engine.CompleteAsync(Prompt, Limits(maxTokens: 2), CancellationToken.None);

        Assert.Equal("AAAABBBB", result.Text);
        Assert.Equal(StopReason.MaxTokens, result.StopReason);
        Assert.Equal(300, result.PromptTokens);
        Assert.Equal(256, result.ReusedPromptTokens);
    }

    [Fact]
    public async Task The_key_goes_as_a_bearer_header_only_when_configured_and_a_refusal_names_the_setting()
    {
        await using var vllm = new VllmDouble { ApiKey = "sk-team" };
        using var without = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url), Logger);
        using var wrong = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, key: "sk-wrong"), Logger);
        using var right = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, key: "sk-team"), Logger);

        var missing = await Assert.ThrowsAsync<EngineRequestException>(() => without.ConnectAsync(CancellationToken.None));
        var refused = await Assert.ThrowsAsync<EngineRequestException>(() => wrong.ConnectAsync(CancellationToken.None));
        await right.ConnectAsync(CancellationToken.None);
        await right.CompleteAsync(Prompt, Limits(), CancellationToken.None);

        Assert.Equal(EngineProblem.Unauthorized, missing.Problem);
        Assert.Contains("codelsp.engineApiKeyEnv", missing.Message);
        Assert.Contains("$TEAM_KEY", refused.Message);
        Assert.DoesNotContain("sk-wrong", refused.Message);
        var requests = vllm.Http.Requests;
        Assert.Null(requests[0].Header("Authorization"));
        Assert.Equal("Bearer sk-wrong", requests[1].Header("Authorization"));
        Assert.All(requests.Skip(2), r => Assert.Equal("Bearer sk-team", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_model_the_server_does_not_serve_names_engineModel_and_a_wrong_path_names_engineUrl()
    {
        await using var vllm = new VllmDouble();
        using var wrongModel = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: "Qwen/Qwen2.5-Coder-32B"), Logger);
        using var wrongUrl = new OpenAiEngine(Options(EngineKinds.OpenAi, new Uri(vllm.Url, "/proxy/")), Logger);

        var model = await Assert.ThrowsAsync<EngineRequestException>(() => wrongModel.ConnectAsync(CancellationToken.None));
        var modelOnRequest = await Assert.ThrowsAsync<EngineRequestException>(() => wrongModel.CompleteAsync(Prompt, Limits(), CancellationToken.None));
        var url = await Assert.ThrowsAsync<EngineRequestException>(() => wrongUrl.ConnectAsync(CancellationToken.None));

        Assert.Contains("codelsp.engineModel", model.Message);
        Assert.Contains("codelsp.engineModel", modelOnRequest.Message);
        Assert.Equal(404, modelOnRequest.StatusCode);
        Assert.Contains("codelsp.engineUrl", url.Message);
    }

    [Fact]
    public async Task An_unreachable_server_names_engineUrl()
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var url = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}/");
        port.Stop();
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, url, model: "m", family: "Qwen2.5-Coder"), Logger);
        var notices = Notices(engine);

        var first = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));
        await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(EngineProblem.Unreachable, first.Problem);
        Assert.Contains("codelsp.engineUrl", first.Message);
        Assert.Single(notices);
    }

    [Fact]
    public async Task The_old_vllm_profile_accepts_the_request_and_its_flat_errors_are_read()
    {
        await using var vllm = new VllmDouble { OldVersion = true };
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        // Every key the engine sends is one old releases know (they answer extra_forbidden otherwise).
        var result = await engine.CompleteAsync(Prompt, Limits(), CancellationToken.None);
        Assert.Equal("Save(item);\n", result.Text);
        var chat = await engine.ChatAsync(new ChatRequest([new ChatMessage("user", "hi")]), Limits(), CancellationToken.None);
        Assert.Equal("Save(item);\n", chat.Text);

        vllm.ServedModelName = "other";
        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));
        Assert.Contains("does not exist", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Documented_rejections_become_clear_errors(bool tgi)
    {
        await using var vllm = new VllmDouble();
        vllm.Override = r => r.Path == "/v1/completions"
            ? tgi ? VllmDouble.TgiSuffixRejected() : DoubleModel.Json(400, "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")
            : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(EngineProblem.Rejected, error.Problem);
        Assert.Contains(tgi ? "Suffix is not supported" : "maximum context length", error.Message);
    }

    [Fact]
    public async Task An_error_after_streaming_started_fails_the_request()
    {
        await using var vllm = new VllmDouble();
        vllm.Override = r => r.Path == "/v1/completions" ? VllmDouble.MidStreamError("Sav") : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));

        Assert.Equal(EngineProblem.ServerError, error.Problem);
        Assert.Contains("CUDA out of memory", error.Message);
    }

    [Fact]
    public async Task Enough_text_for_the_caller_closes_the_stream_at_once()
    {
        await using var vllm = new VllmDouble { PieceDelay = TimeSpan.FromMilliseconds(40) };
        vllm.Model.Answer = "Save(item);\n        _log(\"saved\");\n        return;\n";
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var result = await engine.CompleteAsync(Prompt, Limits(stopWhen: t => t.Contains('\n')), CancellationToken.None);

        Assert.Equal(StopReason.StoppedByCaller, result.StopReason);
        Assert.Equal("Save(item);\n", result.Text);
        Assert.True(await vllm.Http.WaitUntilAsync(d => d.ClosedByClient == 1, TimeSpan.FromSeconds(5)), "the double saw the connection close");
    }

    [Fact]
    public async Task A_cancelled_slow_answer_closes_the_connection()
    {
        await using var vllm = new VllmDouble { PieceDelay = TimeSpan.FromMilliseconds(500) };
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);
        using var typing = new CancellationTokenSource();

        var request = engine.CompleteAsync(Prompt, Limits(), typing.Token);
        Assert.True(await vllm.Http.WaitUntilAsync(d => d.InFlight == 1, TimeSpan.FromSeconds(5)));
        typing.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        Assert.True(await vllm.Http.WaitUntilAsync(d => d.ClosedByClient == 1 && d.InFlight == 0, TimeSpan.FromSeconds(5)), "the double saw the connection close");
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out_once_and_the_connection_is_closed()
    {
        await using var vllm = new VllmDouble();
        vllm.Override = r => r.Path == "/v1/completions" ? new HangReply() : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);
        var notices = Notices(engine);

        var first = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(timeLimitMs: 200), CancellationToken.None));
        await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(timeLimitMs: 200), CancellationToken.None));

        Assert.Equal(EngineProblem.Timeout, first.Problem);
        Assert.Single(notices);
        Assert.True(await vllm.Http.WaitUntilAsync(d => d.ClosedByClient == 2, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_time_limit_after_text_arrived_returns_that_text()
    {
        await using var vllm = new VllmDouble { PieceDelay = TimeSpan.FromMilliseconds(100) };
        vllm.Model.Answer = string.Concat(Enumerable.Repeat("AAAA", 40));
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var result = await engine.CompleteAsync(Prompt, Limits(maxTokens: 100, timeLimitMs: 1500), CancellationToken.None);

        Assert.Equal(StopReason.TimeLimit, result.StopReason);
        Assert.StartsWith("AAAA", result.Text);
        Assert.True(result.Text.Length < vllm.Model.Answer.Length, result.Text);
        Assert.True(await vllm.Http.WaitUntilAsync(d => d.ClosedByClient == 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Busy_answers_back_off_and_are_told_once()
    {
        await using var vllm = new VllmDouble();
        var busy = true;
        vllm.Override = r => busy && r.Path == "/v1/completions"
            ? DoubleModel.Json(503, "{\"error\":{\"message\":\"queue full\",\"type\":\"ServiceUnavailableError\",\"param\":null,\"code\":503}}") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "1" } }
            : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);
        var notices = Notices(engine);

        for (var i = 0; i < 10; i++)
        {
            var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));
            Assert.Equal(EngineProblem.Busy, error.Problem);
        }

        Assert.Single(vllm.Http.Requests);
        Assert.Single(notices);
        busy = false;
        await Task.Delay(1100);
        Assert.Equal("Save(item);\n", (await engine.CompleteAsync(Prompt, Limits(), CancellationToken.None)).Text);
    }

    [Fact]
    public async Task A_model_whose_family_cannot_be_told_asks_for_engineFimFamily()
    {
        await using var vllm = new VllmDouble { ServedModelName = "team/internal-coder-v3" };
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url), Logger);
        using var named = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, family: "StarCoder2"), Logger);

        var probe = await engine.ConnectAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<EngineRequestException>(() => engine.CompleteAsync(Prompt, Limits(), CancellationToken.None));
        await named.ConnectAsync(CancellationToken.None);
        await named.CompleteAsync(Prompt, Limits(), CancellationToken.None);

        Assert.Contains("codelsp.engineFimFamily", probe.Warning);
        Assert.Equal(EngineProblem.NotSupported, error.Problem);
        Assert.StartsWith("<fim_prefix>", vllm.Http.Requests.Last().Json.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task Chat_streams_deltas_and_applies_prefix_and_stops_itself()
    {
        await using var vllm = new VllmDouble();
        vllm.Model.ChatAnswer = "```csharp\nint count = 0;\n```\nThis renames x.";
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var answer = await engine.ChatAsync(Chat, Limits(maxTokens: 512, timeLimitMs: 10_000) with { Priority = WorkPriority.Background }, CancellationToken.None);

        Assert.Equal("int count = 0;\n", answer.Text);
        Assert.Equal(StopReason.EndOfGeneration, answer.StopReason);
        var json = vllm.Http.Requests.Single(r => r.Path == "/v1/chat/completions").Json;
        Assert.Equal(["system", "user"], json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(512, json.GetProperty("max_tokens").GetInt32());
        // The stop must not reach the server: it would end the answer at the opening fence.
        Assert.False(json.TryGetProperty("stop", out _));
    }

    [Fact]
    public async Task Chat_accepts_a_whole_chat_completion_body()
    {
        await using var vllm = new VllmDouble();
        vllm.Model.ChatAnswer = "Done.";
        vllm.Override = r => r.Path == "/v1/chat/completions"
            ? OpenAiStyle.Chat(vllm.Model, JsonDocument.Parse("{\"stream\":false}").RootElement, "m", TimeSpan.Zero)
            : null;
        using var engine = new OpenAiEngine(Options(EngineKinds.OpenAi, vllm.Url, model: vllm.ServedModelName), Logger);

        var answer = await engine.ChatAsync(new ChatRequest([new ChatMessage("user", "hi")]), Limits(), CancellationToken.None);

        Assert.Equal("Done.", answer.Text);
        Assert.Equal(120, answer.PromptTokens);
    }
}
