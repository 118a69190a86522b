using System.CommandLine;
using CodeLsp.Features;
using CodeLsp.Server.Hosting;
using CodeLsp.Server.Logging;
using Serilog.Events;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp serve [--log-level L] [--log-file F]</c> (also what plain <c>codelsp</c> does): the language server on stdin/stdout.
/// </summary>
internal sealed class ServeCommand
{
    public static readonly Option<string> LogLevelOption = new("--log-level")
    {
        Description = $"Log level: {ServerLogging.LevelNames}. The logLevel setting overrides it at runtime.",
        DefaultValueFactory = _ => "information",
        Recursive = true,
    };

    public static readonly Option<string?> LogFileOption = new("--log-file")
    {
        Description = "Log file (default: $XDG_STATE_HOME/codelsp/logs/codelsp-<date>.log).",
        Recursive = true,
    };

    private readonly Func<Serilog.ILogger, IAssistant> _createAssistant;

    public ServeCommand(Func<Serilog.ILogger, IAssistant> createAssistant) => _createAssistant = createAssistant;

    public Command Create()
    {
        var command = new Command("serve", "Run the language server on stdin/stdout (what editors start).");
        command.SetAction(RunAsync);
        return command;
    }

    /// <summary>The action shared by <c>codelsp</c> and <c>codelsp serve</c>.</summary>
    public async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var levelText = parseResult.GetValue(LogLevelOption) ?? "information";
        if (!ServerLogging.TryParseLevel(levelText, out var level))
        {
            await Console.Error.WriteLineAsync($"codelsp: unknown log level '{levelText}' (use {ServerLogging.LevelNames}); using information.").ConfigureAwait(false);
            level = LogEventLevel.Information;
        }
        var (logger, levelSwitch) = ServerLogging.Create(level, parseResult.GetValue(LogFileOption));
        await using (logger.ConfigureAwait(false))
        {
            // Only the protocol may write to stdout: anything else printing there would corrupt the stream.
            var stdout = Console.OpenStandardOutput();
            var stdin = Console.OpenStandardInput();
            Console.SetOut(Console.Error);

            try
            {
                var assistant = _createAssistant(logger);
                int exitCode;
                try
                {
                    var host = new LanguageServerHost(stdin, stdout, assistant, logger, new LanguageServerOptions { LevelSwitch = levelSwitch });
                    exitCode = await host.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    var disposing = System.Diagnostics.Stopwatch.StartNew();
                    await assistant.DisposeAsync().ConfigureAwait(false);
                    logger.Debug("Assistant disposed in {Milliseconds} ms", disposing.ElapsedMilliseconds);
                }
                return exitCode;
            }
            catch (Exception ex)
            {
                logger.Fatal(ex, "The server stopped on an unexpected error");
                return 1;
            }
        }
    }
}
