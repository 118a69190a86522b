using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.SystemConsole.Themes;

namespace CodeLsp.Server.Logging;

/// <summary>
/// The server's log: stderr and a daily rolling file, never stdout (stdout carries the protocol).
/// The level lives in a <see cref="LoggingLevelSwitch"/> so the logLevel setting can change it while running.
/// Source and prompt text are logged only at Debug or below.
/// </summary>
internal static class ServerLogging
{
    public const string LevelNames = "verbose, debug, information, warning, error";

    public static (Logger Logger, LoggingLevelSwitch LevelSwitch) Create(LogEventLevel level, string? logFile)
    {
        var levelSwitch = new LoggingLevelSwitch(level);
        const string template = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}";
        var configuration = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(levelSwitch)
            .WriteTo.Console(outputTemplate: template, standardErrorFromLevel: LogEventLevel.Verbose, theme: ConsoleTheme.None);

        var path = logFile ?? DefaultLogFilePath();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            configuration = configuration.WriteTo.File(
                path,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}",
                rollingInterval: logFile is null ? RollingInterval.Day : RollingInterval.Infinite,
                retainedFileCountLimit: 7,
                shared: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"codelsp: cannot write log file {path}: {ex.Message}; logging to stderr only.");
        }

        return (configuration.CreateLogger(), levelSwitch);
    }

    /// <summary>$XDG_STATE_HOME/codelsp/logs/codelsp-.log (the date goes before the dot), else ~/.local/state/codelsp/logs/.</summary>
    public static string DefaultLogFilePath(Func<string, string?>? getEnvironmentVariable = null)
    {
        return Path.Combine(Features.StateFolder.Resolve(getEnvironmentVariable), "logs", "codelsp-.log");
    }

    public static bool TryParseLevel(string text, out LogEventLevel level)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "verbose" or "trace": level = LogEventLevel.Verbose; return true;
            case "debug": level = LogEventLevel.Debug; return true;
            case "information" or "info": level = LogEventLevel.Information; return true;
            case "warning" or "warn": level = LogEventLevel.Warning; return true;
            case "error": level = LogEventLevel.Error; return true;
            case "fatal" or "critical": level = LogEventLevel.Fatal; return true;
            default: level = LogEventLevel.Information; return false;
        }
    }
}
