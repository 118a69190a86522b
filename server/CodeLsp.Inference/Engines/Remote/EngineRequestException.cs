namespace CodeLsp.Inference.Engines.Remote;

/// <summary>What went wrong talking to a remote engine, in classes the client acts on differently.</summary>
public enum EngineProblem
{
    /// <summary>No connection (refused, DNS, TLS): the URL is wrong or the server is down.</summary>
    Unreachable,
    /// <summary>401/403: the key is missing or wrong.</summary>
    Unauthorized,
    /// <summary>404: a wrong URL (no such endpoint) or an unknown model.</summary>
    NotFound,
    /// <summary>429/503: busy or still loading; requests back off.</summary>
    Busy,
    /// <summary>501, or a model without FIM tokens we can name.</summary>
    NotSupported,
    /// <summary>400/422: the server rejected the request.</summary>
    Rejected,
    /// <summary>No answer within the time limit.</summary>
    Timeout,
    /// <summary>500 or an error inside a stream.</summary>
    ServerError,
}

/// <summary>
/// A failed remote request. <see cref="Message"/> is for the user: it says what happened and names the setting to
/// fix where one would; it never contains the API key.
/// </summary>
public sealed class EngineRequestException(EngineProblem problem, string message, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public EngineProblem Problem { get; } = problem;

    /// <summary>The HTTP status, when the server answered.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>From a Retry-After header, when the server sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
