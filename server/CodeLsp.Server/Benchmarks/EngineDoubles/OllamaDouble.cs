using System.Text.Json;
using System.Text.Json.Nodes;
using static CodeLsp.Server.Benchmarks.EngineDoubles.DoubleModel;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>
/// A faithful Ollama double (ENGINES.md §3, §10): <c>/api/version</c>, <c>/api/show</c> (capabilities with or
/// without <c>insert</c>), <c>/api/generate</c> (NDJSON ending <c>done:true</c>; 400 "does not support insert" for a
/// non-empty <c>suffix</c> without it; 400 for <c>raw</c> with a template; 404 for an unknown model; streaming is
/// the default) and <c>/api/chat</c>.
/// </summary>
internal sealed class OllamaDouble : IAsyncDisposable
{
    public OllamaDouble()
    {
        Http = new HttpDouble(Handle);
    }

    public HttpDouble Http { get; }

    public Uri Url => Http.Url;

    public DoubleModel Model { get; } = new();

    /// <summary>Pulled models, and whether each one's template references .Suffix (capability <c>insert</c>).</summary>
    public Dictionary<string, bool> Models { get; } = new() { ["qwen2.5-coder:7b-base"] = true, ["deepseek-coder:6.7b-base"] = false, ["codellama:7b-code"] = false };

    public TimeSpan PieceDelay { get; set; }

    public Func<RecordedRequest, Reply?>? Override { get; set; }

    private Reply Handle(RecordedRequest request)
    {
        if (Override?.Invoke(request) is { } scripted) return scripted;
        var body = request.Json;
        var name = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        switch (request.Method, request.Path)
        {
            case ("GET", "/api/version"):
                return Json(200, "{\"version\":\"0.12.6\"}");
            case ("POST", "/api/show"):
                if (!Models.TryGetValue(name, out var insert)) return NotFound(name);
                var capabilities = new JsonArray("completion");
                if (insert) capabilities.Add("insert");
                return Json(200, new JsonObject
                {
                    ["modelfile"] = "FROM x", ["template"] = insert ? "{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{ else }}{{ .Prompt }}{{ end }}" : "{{ .Prompt }}",
                    ["details"] = new JsonObject { ["family"] = "qwen2", ["parameter_size"] = "7.6B", ["quantization_level"] = "Q4_K_M" },
                    ["model_info"] = new JsonObject { ["general.architecture"] = "qwen2", ["qwen2.context_length"] = 32768 },
                    ["capabilities"] = capabilities,
                });
            case ("POST", "/api/generate"):
            {
                if (!Models.TryGetValue(name, out var canInsert)) return NotFound(name);
                if (Bool(body, "raw") == true && (Has(body, "template") || Has(body, "system") || Has(body, "context")))
                {
                    return Json(400, "{\"error\":\"raw mode does not support template, system, or context\"}");
                }
                if (body.TryGetProperty("suffix", out var suffix) && suffix.GetString() is { Length: > 0 } && !canInsert)
                {
                    return Json(400, $"{{\"error\":\"registry.ollama.ai/library/{name} does not support insert\"}}");
                }
                var options = body.TryGetProperty("options", out var o) ? o : default;
                var (pieces, reason) = Model.Generate(Model.Answer, Int(options, "num_predict") is { } n && n >= 0 ? n : null, Strings(options, "stop"));
                return Stream(name, pieces, reason, piece => new JsonObject { ["response"] = piece }, Bool(body, "stream") != false);
            }
            case ("POST", "/api/chat"):
            {
                if (!Models.TryGetValue(name, out _)) return NotFound(name);
                var options = body.TryGetProperty("options", out var o) ? o : default;
                var (pieces, reason) = Model.Generate(Model.ChatAnswer ?? Model.Answer, Int(options, "num_predict") is { } n && n >= 0 ? n : null, Strings(options, "stop"));
                return Stream(name, pieces, reason, piece => new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = piece } }, Bool(body, "stream") != false);
            }
            default:
                return new BodyReply(404, "404 page not found", "text/plain");
        }
    }

    private Reply Stream(string name, IReadOnlyList<string> pieces, string reason, Func<string, JsonObject> piece, bool stream)
    {
        JsonObject Line(string text, bool done)
        {
            var line = piece(text);
            line["model"] = name;
            line["created_at"] = "2026-11-30T06:00:00Z";
            line["done"] = done;
            return line;
        }
        var last = Line("", true);
        last["done_reason"] = reason == "limit" ? "length" : "stop";
        last["total_duration"] = 120_000_000;
        last["load_duration"] = 1_000_000;
        last["prompt_eval_count"] = 300;
        last["prompt_eval_duration"] = 40_000_000;
        last["eval_count"] = pieces.Count;
        last["eval_duration"] = 80_000_000;
        if (!stream)
        {
            var whole = Line(string.Concat(pieces), true);
            foreach (var (key, value) in last.ToList()) if (!whole.ContainsKey(key)) whole[key] = value?.DeepClone();
            return Json(200, whole);
        }
        var frames = pieces.Select(p => Ndjson(Line(p, false))).Append(Ndjson(last)).ToList();
        return new StreamReply("application/x-ndjson", frames) { Delay = PieceDelay };
    }

    private static BodyReply NotFound(string name) => Json(404, $"{{\"error\":\"model \\\"{name}\\\" not found, try pulling it first\"}}");

    /// <summary>An error line under status 200 after streaming began.</summary>
    public static StreamReply MidStreamError(string before) => new("application/x-ndjson",
    [
        Ndjson(new JsonObject { ["model"] = "m", ["response"] = before, ["done"] = false }),
        "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
    ]);

    public ValueTask DisposeAsync() => Http.DisposeAsync();
}
