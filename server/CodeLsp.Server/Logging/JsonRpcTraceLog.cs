using System.Diagnostics;
using Serilog;

namespace CodeLsp.Server.Logging;

/// <summary>
/// Forwards StreamJsonRpc's own warnings and errors (unknown notifications, transmission failures) to the server log.
/// Traces about $/-prefixed notifications the server does not handle are dropped: the spec lets servers ignore them silently.
/// </summary>
internal sealed class JsonRpcTraceLog(ILogger logger) : TraceListener
{
    private readonly ILogger _logger = logger.ForContext("SourceContext", "StreamJsonRpc");

    public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? format, params object?[]? args)
    {
        var message = args is { Length: > 0 } && format is not null ? string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args) : format ?? "";
        Log(eventType, message);
    }

    public override void TraceEvent(TraceEventCache? eventCache, string source, TraceEventType eventType, int id, string? message) =>
        Log(eventType, message ?? "");

    public override void Write(string? message) { }

    public override void WriteLine(string? message) { }

    private void Log(TraceEventType eventType, string message)
    {
        if (message.Contains("\"$/", StringComparison.Ordinal) || message.Contains(" $/", StringComparison.Ordinal))
        {
            return;
        }
        // Params that fit no handler (e.g. a didOpen without a uri) lose a client message: worth a warning.
        if (eventType <= TraceEventType.Error || message.StartsWith("Invocation of", StringComparison.Ordinal))
        {
            _logger.Warning("{Message}", message);
        }
        else if (eventType == TraceEventType.Warning)
        {
            _logger.Debug("{Message}", message);
        }
    }
}
