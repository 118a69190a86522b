using System.Text.Json;
using System.Text.Json.Nodes;
using static CodeLsp.Server.Benchmarks.EngineDoubles.DoubleModel;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>
/// A faithful vLLM double (ENGINES.md §2, §10): <c>/v1/models</c>, <c>/v1/completions</c> and
/// <c>/v1/chat/completions</c>. It rejects <c>suffix</c> (400, any non-null value), <c>stream_options</c> without
/// <c>stream</c> (400), an unknown model (404), a missing or wrong key under <c>/v1</c> (401 with a string body);
/// streams <c>exclude_unset</c> chunks, a usage chunk on request and <c>[DONE]</c>. <see cref="OldVersion"/>
/// switches to the flat error envelope and the 400 <c>extra_forbidden</c> for unknown keys of releases before v0.6.5.
/// </summary>
internal sealed class VllmDouble : IAsyncDisposable
{
    private static readonly HashSet<string> KnownCompletionKeys =
    [
        "model", "prompt", "max_tokens", "stop", "stream", "stream_options", "temperature", "top_p", "top_k", "n", "seed",
        "suffix", "echo", "logprobs", "best_of", "presence_penalty", "frequency_penalty", "user", "stop_token_ids", "cache_salt", "priority",
        "messages",
    ];

    public VllmDouble()
    {
        Http = new HttpDouble(Handle);
    }

    public HttpDouble Http { get; }

    public Uri Url => Http.Url;

    public DoubleModel Model { get; } = new();

    public string ServedModelName { get; set; } = "Qwen/Qwen2.5-Coder-7B";

    public string? ApiKey { get; set; }

    public bool OldVersion { get; set; }

    public TimeSpan PieceDelay { get; set; }

    public Func<RecordedRequest, Reply?>? Override { get; set; }

    private Reply Handle(RecordedRequest request)
    {
        if (Override?.Invoke(request) is { } scripted) return scripted;
        if (request.Path == "/health") return new BodyReply(200, "", "text/plain");
        if (ApiKey is not null && request.Path.StartsWith("/v1", StringComparison.Ordinal) && request.Header("Authorization") != "Bearer " + ApiKey)
        {
            return Json(401, "{\"error\":\"Unauthorized\"}");
        }
        var body = request.Json;
        switch (request.Method, request.Path)
        {
            case ("GET", "/v1/models"):
                return Json(200, new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject { ["id"] = ServedModelName, ["object"] = "model", ["created"] = 1, ["owned_by"] = "vllm", ["root"] = ServedModelName, ["max_model_len"] = 32768 }),
                });
            case ("POST", "/v1/completions" or "/v1/chat/completions"):
                if (OldVersion && body.ValueKind == JsonValueKind.Object && body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !KnownCompletionKeys.Contains(n)) is { } unknown)
                {
                    return Error(400, $"[{{'type': 'extra_forbidden', 'loc': ('body', '{unknown}'), 'msg': 'Extra inputs are not permitted'}}]", "BadRequestError");
                }
                if (body.TryGetProperty("model", out var model) && model.GetString() != ServedModelName || !body.TryGetProperty("model", out _))
                {
                    return Error(404, $"The model `{(body.TryGetProperty("model", out var m) ? m.GetString() : "")}` does not exist.", "NotFoundError");
                }
                if (Has(body, "stream_options") && Bool(body, "stream") != true) return Error(400, "Stream options can only be defined when `stream=True`.", "BadRequestError");
                if (request.Path == "/v1/chat/completions") return OpenAiStyle.Chat(Model, body, ServedModelName, PieceDelay);
                if (Has(body, "suffix")) return Error(400, "suffix is not currently supported", "BadRequestError");
                if (!body.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.String && prompt.GetString()!.Length == 0)
                {
                    return Error(400, "Prompt cannot be empty", "BadRequestError");
                }
                var usage = body.TryGetProperty("stream_options", out var options) && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
                return OpenAiStyle.Completions(Model, body, ServedModelName, PieceDelay, usage);
            default:
                return Json(404, "{\"detail\":\"Not Found\"}");
        }
    }

    private BodyReply Error(int status, string message, string type) => OldVersion
        ? Json(status, new JsonObject { ["object"] = "error", ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = status })
        : Json(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = status } });

    /// <summary>An error chunk after streaming started, then <c>[DONE]</c> (vLLM's mid-stream framing).</summary>
    public static StreamReply MidStreamError(string before) => new("text/event-stream",
    [
        Sse(new JsonObject { ["id"] = "cmpl-1", ["object"] = "text_completion", ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = before }) }),
        Sse(new JsonObject { ["error"] = new JsonObject { ["message"] = "CUDA out of memory", ["type"] = "InternalServerError", ["param"] = null, ["code"] = 500 } }),
        "data: [DONE]\n\n",
    ]);

    /// <summary>TGI's 422 for <c>suffix</c> (ENGINES.md §4).</summary>
    public static BodyReply TgiSuffixRejected() =>
        Json(422, "{\"error\":\"Suffix is not supported and can be achieved by preprocessing the prompt.\",\"error_type\":\"suffix not supported\"}");

    public ValueTask DisposeAsync() => Http.DisposeAsync();
}
