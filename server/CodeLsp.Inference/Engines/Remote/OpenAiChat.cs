using System.Text.Json.Nodes;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// <c>POST /v1/chat/completions</c> (ENGINES.md §7), which llama-server, vLLM, Ollama, LM Studio, TGI and SGLang all
/// serve: the request with a token cap, streamed <c>delta.content</c> chunks (or one <c>chat.completion</c> body),
/// shaped by <see cref="ChatAnswerShaper"/>.
/// </summary>
internal static class OpenAiChat
{
    public const string Path = "v1/chat/completions";

    public static JsonObject Body(string? model, ChatRequest request, GenerationLimits limits, IReadOnlyList<string> serverStops)
    {
        var body = new JsonObject();
        if (model is not null) body["model"] = model;
        body["messages"] = new JsonArray(request.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
        body["max_tokens"] = Math.Max(1, limits.MaxTokens);
        body["temperature"] = 0;
        if (serverStops.Count > 0) body["stop"] = new JsonArray(serverStops.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        body["stream"] = true;
        return body;
    }

    public static async Task<ChatCompletion> SendAsync(EngineHttp http, RemoteEngineOptions options, JsonObject body, ChatRequest request, GenerationLimits limits,
        Func<bool> expired, CancellationToken cancellationToken)
    {
        var shaper = new ChatAnswerShaper(request);
        var clock = new StreamedText(null);
        int? promptTokens = null, generated = null;
        string? finish = null;
        using var response = await http.PostAsync(Path, body, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var chunk in EventStream.ReadAsync(response, options, Path, cancellationToken).ConfigureAwait(false))
            {
                if (chunk.Object("usage") is { } usage)
                {
                    promptTokens = usage.Int("prompt_tokens") ?? promptTokens;
                    generated = usage.Int("completion_tokens") ?? generated;
                }
                if (chunk.First("choices") is not { } choice) continue;
                var piece = (choice.Object("delta") ?? choice.Object("message"))?.String("content");
                clock.Add(piece);
                if (shaper.Add(piece)) return Result(StopReason.EndOfGeneration);
                if (limits.StopWhen is { } stopWhen && piece is { Length: > 0 } && stopWhen(shaper.Text)) return Result(StopReason.StoppedByCaller);
                finish = choice.String("finish_reason") ?? finish;
            }
        }
        catch (OperationCanceledException) when (expired() && shaper.Text.Length > 0)
        {
            return Result(StopReason.TimeLimit);
        }
        return Result(finish == "length" ? StopReason.MaxTokens : StopReason.EndOfGeneration);

        ChatCompletion Result(StopReason reason) =>
            new(shaper.Text, reason, promptTokens ?? 0, clock.PromptTime, generated ?? clock.Pieces, clock.GenerationTime);
    }
}
