using System.Text.Json;
using System.Text.Json.Nodes;
using static CodeLsp.Server.Benchmarks.EngineDoubles.DoubleModel;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>
/// A faithful <c>llama-server</c> double (ENGINES.md §1, §9, §10): <c>/infill</c>, <c>/completion</c>,
/// <c>/v1/completions</c>, <c>/v1/chat/completions</c>, <c>/v1/models</c>, <c>/health</c>, with the documented
/// bodies: SSE partials with a <c>: ping</c> and a final <c>stop:true</c> chunk without <c>[DONE]</c>; 501 for a
/// model without FIM tokens (checked before the body); 400 for a bad <c>input_extra</c>; 503 while loading; 401
/// with a key; 500 for <c>suffix</c> on <c>/v1/completions</c>. <see cref="Override"/> scripts one-off transcripts.
/// </summary>
internal sealed class LlamaServerDouble : IAsyncDisposable
{
    public LlamaServerDouble()
    {
        Http = new HttpDouble(Handle);
    }

    public HttpDouble Http { get; }

    public Uri Url => Http.Url;

    public DoubleModel Model { get; } = new();

    public string Alias { get; set; } = "qwen2.5-coder-7b-q8_0.gguf";

    public bool HasFim { get; set; } = true;

    public bool Loading { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Delay between streamed pieces.</summary>
    public TimeSpan PieceDelay { get; set; }

    /// <summary>Answers some requests differently (mid-stream errors, slow or silent servers); null falls through.</summary>
    public Func<RecordedRequest, Reply?>? Override { get; set; }

    private static readonly string[] OpenPaths = ["/health", "/v1/health", "/models", "/v1/models", "/"];

    private Reply Handle(RecordedRequest request)
    {
        if (Override?.Invoke(request) is { } scripted) return scripted;
        if (Loading) return Error(503, "Loading model", "unavailable_error");
        if (ApiKey is not null && !OpenPaths.Contains(request.Path))
        {
            var header = request.Header("Authorization");
            var given = header?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? header[7..] : header;
            if (given != ApiKey) return Error(401, "Invalid API Key", "authentication_error");
        }
        switch (request.Method, request.Path)
        {
            case ("GET", "/health"):
                return Json(200, new JsonObject { ["status"] = "ok" });
            case ("GET", "/v1/models"):
                return Json(200, new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject
                    {
                        ["id"] = Alias, ["object"] = "model", ["created"] = 1, ["owned_by"] = "llamacpp",
                        ["meta"] = new JsonObject { ["vocab_type"] = 2, ["n_vocab"] = 151936, ["n_ctx_train"] = 32768, ["n_embd"] = 3584, ["n_params"] = 7615616512, ["size"] = 8098525184 },
                    }),
                });
            case ("POST", "/infill"):
                if (!HasFim) return Error(501, "Infill is not supported by this model: prefix token is missing. suffix token is missing. middle token is missing. ", "not_supported_error");
                return Infill(request.Json);
            case ("POST", "/completion"):
                if (request.Json.ValueKind != JsonValueKind.Object || !request.Json.TryGetProperty("prompt", out var prompt) || prompt.ValueKind != JsonValueKind.String)
                {
                    return Error(400, "\"prompt\" must be a string", "invalid_request_error");
                }
                return Completion(request.Json);
            case ("POST", "/v1/completions"):
                // A runtime_error in most builds: 500 (ENGINES.md §1.7).
                if (Has(request.Json, "suffix")) return Error(500, "Unsupported param: suffix", "server_error");
                return OpenAiStyle.Completions(Model, request.Json, Alias, PieceDelay, usageChunk: false);
            case ("POST", "/v1/chat/completions"):
                return OpenAiStyle.Chat(Model, request.Json, Alias, PieceDelay);
            default:
                return Error(404, "File Not Found", "not_found_error");
        }
    }

    private Reply Infill(JsonElement body)
    {
        if (!Has(body, "input_prefix")) return Error(400, "\"input_prefix\" is required", "invalid_request_error");
        if (!Has(body, "input_suffix")) return Error(400, "\"input_suffix\" is required", "invalid_request_error");
        if (body.TryGetProperty("input_extra", out var extra))
        {
            var valid = extra.ValueKind == JsonValueKind.Array && extra.EnumerateArray().All(c =>
                c.ValueKind == JsonValueKind.Object && c.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String
                && (!c.TryGetProperty("filename", out var f) || f.ValueKind == JsonValueKind.String));
            if (!valid) return Error(400, "\"input_extra\" must be an array of {\"filename\": string, \"text\": string}", "invalid_request_error");
        }
        return Completion(body);
    }

    private Reply Completion(JsonElement body)
    {
        var (pieces, reason) = Model.Generate(Model.Answer, Int(body, "n_predict"), Strings(body, "stop"));
        var final = new JsonObject
        {
            ["index"] = 0, ["content"] = "", ["tokens"] = new JsonArray(), ["id_slot"] = 0, ["stop"] = true, ["model"] = Alias,
            ["tokens_predicted"] = pieces.Count, ["tokens_evaluated"] = 412, ["has_new_line"] = pieces.Any(p => p.Contains('\n')),
            ["truncated"] = false, ["stop_type"] = reason, ["stopping_word"] = "", ["tokens_cached"] = 400,
            ["timings"] = new JsonObject { ["cache_n"] = 400, ["prompt_n"] = 12, ["prompt_ms"] = 10.1, ["predicted_n"] = pieces.Count, ["predicted_ms"] = 50.2 },
        };
        if (Bool(body, "stream") != true)
        {
            final["content"] = string.Concat(pieces);
            return Json(200, final);
        }
        var frames = new List<string>();
        for (var i = 0; i < pieces.Count; i++)
        {
            frames.Add(Sse(new JsonObject { ["index"] = 0, ["content"] = pieces[i], ["tokens"] = new JsonArray(i), ["stop"] = false, ["id_slot"] = 0, ["tokens_predicted"] = i + 1, ["tokens_evaluated"] = 412 }));
            if (i == 0) frames.Add(": ping\n\n");
        }
        frames.Add(Sse(final));
        return new StreamReply("text/event-stream", frames) { Delay = PieceDelay };
    }

    /// <summary>llama-server's error envelope (<c>format_error_response</c>).</summary>
    public static BodyReply Error(int status, string message, string type) =>
        Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["type"] = type } });

    /// <summary>A stream that fails after <paramref name="before"/>: newer builds send <c>data: {"error"}</c>, older an <c>error:</c> field.</summary>
    public static StreamReply MidStreamError(string before, bool olderFraming)
    {
        var error = new JsonObject { ["code"] = 500, ["message"] = "llama_decode failed", ["type"] = "server_error" };
        var partial = Sse(new JsonObject { ["index"] = 0, ["content"] = before, ["stop"] = false });
        var failure = olderFraming ? "error: " + error.ToJsonString() + "\n\n" : Sse(new JsonObject { ["error"] = error });
        return new StreamReply("text/event-stream", [partial, failure]);
    }

    public ValueTask DisposeAsync() => Http.DisposeAsync();
}
