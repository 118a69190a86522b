using Serilog;
using Serilog.Events;

namespace CodeLsp.Server.Cli;

/// <summary>Logging for one-shot CLI commands: warnings and errors to stderr (stdout carries the command's output).</summary>
internal static class CliLogging
{
    public static ILogger Create(LogEventLevel level = LogEventLevel.Warning) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
}
