using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>
/// The "model" behind an engine double: a fixed answer cut into pieces of a few characters (one per streamed
/// token), capped at the request's token limit, and cut at the first stop string the request named — what a real
/// server does with <c>n_predict</c>/<c>max_tokens</c>/<c>num_predict</c> and <c>stop</c>.
/// </summary>
internal sealed class DoubleModel
{
    /// <summary>What the model generates (for FIM and for chat).</summary>
    public string Answer { get; set; } = "Save(item);\n";

    public string? ChatAnswer { get; set; }

    /// <summary>Characters per streamed piece ("token").</summary>
    public int PieceLength { get; set; } = 4;

    /// <summary>Pieces for a request: capped at <paramref name="maxTokens"/> (null: unbounded) and cut at a stop; Reason "limit", "word" or "eos".</summary>
    public (IReadOnlyList<string> Pieces, string Reason) Generate(string answer, int? maxTokens, IEnumerable<string> stops)
    {
        var reason = "eos";
        foreach (var stop in stops)
        {
            var at = stop.Length == 0 ? -1 : answer.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0)
            {
                answer = answer[..at];
                reason = "word";
            }
        }
        var pieces = new List<string>();
        for (var i = 0; i < answer.Length; i += PieceLength) pieces.Add(answer.Substring(i, Math.Min(PieceLength, answer.Length - i)));
        if (maxTokens is { } cap && cap >= 0 && pieces.Count > cap)
        {
            pieces.RemoveRange(cap, pieces.Count - cap);
            reason = "limit";
        }
        return (pieces, reason);
    }

    public static IEnumerable<string> Strings(JsonElement request, string name) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : value.ValueKind == JsonValueKind.String ? [value.GetString()!] : []
            : [];

    public static int? Int(JsonElement request, string name) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    public static bool Has(JsonElement request, string name) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public static bool? Bool(JsonElement request, string name) =>
        request.ValueKind == JsonValueKind.Object && request.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>An SSE frame for a JSON payload.</summary>
    public static string Sse(JsonNode payload) => "data: " + payload.ToJsonString() + "\n\n";

    public static string Ndjson(JsonNode payload) => payload.ToJsonString() + "\n";

    public static BodyReply Json(int status, JsonNode body) => new(status, body.ToJsonString());

    public static BodyReply Json(int status, string body) => new(status, body);
}
