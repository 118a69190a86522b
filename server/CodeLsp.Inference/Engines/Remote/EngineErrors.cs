using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// Turns HTTP statuses and the engines' error bodies (ENGINES.md §1.5, §2, §3, §4: <c>{"error":{"message"}}</c>,
/// <c>{"error":"…"}</c>, vLLM's old flat <c>{"object":"error","message"}</c>, TGI's <c>{"error","error_type"}</c>)
/// into <see cref="EngineRequestException"/>s whose message names the setting to fix.
/// </summary>
internal static class EngineErrors
{
    public static EngineRequestException FromStatus(RemoteEngineOptions options, string path, int status, string body, TimeSpan? retryAfter)
    {
        var said = ServerMessage(body);
        var where = $"The {options.Kind} engine at {options.BaseUrl}";
        var detail = said is null ? $"HTTP {status}" : $"HTTP {status}: {said}";
        return status switch
        {
            401 or 403 => new EngineRequestException(EngineProblem.Unauthorized, options.ApiKey is null
                ? $"{where} needs an API key ({detail}). Put the key in an environment variable and name it in codelsp.engineApiKeyEnv (in VS Code: \"CodeLsp: Set Engine API Key…\")."
                : $"{where} refused the API key from ${options.ApiKeySource} ({detail}). Check the key, or codelsp.engineApiKeyEnv.", status),
            404 when said is not null && said.Contains("model", StringComparison.OrdinalIgnoreCase) => new EngineRequestException(EngineProblem.NotFound,
                $"{where} does not know the model '{options.Model}' ({detail}). Check codelsp.engineModel.", status),
            404 => new EngineRequestException(EngineProblem.NotFound,
                $"{where} has no /{path} ({detail}). Check codelsp.engineUrl, and that codelsp.engine ('{options.Kind}') is the kind of server running there.", status),
            429 or 503 => new EngineRequestException(EngineProblem.Busy,
                $"{where} is busy or still loading ({detail}); CodeLsp waits before asking again.", status) { RetryAfter = retryAfter },
            501 => new EngineRequestException(EngineProblem.NotSupported, $"{where} does not support /{path} ({detail}).", status),
            400 or 422 => new EngineRequestException(EngineProblem.Rejected, $"{where} rejected the request to /{path} ({detail}).", status),
            _ => new EngineRequestException(EngineProblem.ServerError, $"{where} failed on /{path} ({detail}).", status),
        };
    }

    public static EngineRequestException Unreachable(RemoteEngineOptions options, Exception ex)
    {
        var reason = ex is HttpRequestException { InnerException: SocketException socket } ? socket.SocketErrorCode.ToString() : ex.Message;
        return new EngineRequestException(EngineProblem.Unreachable,
            $"Could not reach the {options.Kind} engine at {options.BaseUrl} ({reason}). Check codelsp.engineUrl and that the server is running.", null, ex);
    }

    public static EngineRequestException Timeout(RemoteEngineOptions options, string path, TimeSpan limit) =>
        new(EngineProblem.Timeout,
            $"The {options.Kind} engine at {options.BaseUrl} did not answer{(path.Length == 0 ? "" : " /" + path)} within {limit.TotalMilliseconds:0} ms.");

    /// <summary>An error the server sent inside a stream that had started (a <c>data: {"error":…}</c> chunk, an <c>error:</c> field, an NDJSON error line).</summary>
    public static EngineRequestException InStream(RemoteEngineOptions options, string path, string payload) =>
        new(EngineProblem.ServerError, $"The {options.Kind} engine at {options.BaseUrl} stopped /{path} with an error: {ServerMessage(payload) ?? payload}.");

    /// <summary>The message inside an error body, or the body's start when it is not one of the known shapes.</summary>
    public static string? ServerMessage(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (ErrorMessage(document.RootElement) is { } message) return message;
        }
        catch (JsonException)
        {
        }
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200] + "…";
    }

    /// <summary>The message of an error payload; null when <paramref name="element"/> is not one.</summary>
    public static string? ErrorMessage(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        if (element.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String) return error.GetString();
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.String) return inner.GetString();
            return error.GetRawText();
        }
        if (element.TryGetProperty("object", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "error"
            && element.TryGetProperty("message", out var flat) && flat.ValueKind == JsonValueKind.String)
        {
            return flat.GetString();
        }
        if (element.TryGetProperty("detail", out var detail)) return detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText();
        return null;
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
