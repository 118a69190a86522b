using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>Keeps every log event so tests can assert on what the server logged.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public ILogger CreateLogger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public IEnumerable<string> Messages(LogEventLevel atLeast) =>
        Events.Where(e => e.Level >= atLeast).Select(e => e.RenderMessage());
}
