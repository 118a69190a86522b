using System.Diagnostics;
using System.IO.Pipelines;
using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Handlers;
using CodeLsp.Server.Logging;
using CodeLsp.Server.Status;
using Serilog;
using Serilog.Core;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>Optional knobs for <see cref="LanguageServerHost"/>; the defaults suit a real process.</summary>
public sealed record LanguageServerOptions
{
    /// <summary>Changed at runtime by the logLevel setting; null: the setting has no effect.</summary>
    public LoggingLevelSwitch? LevelSwitch { get; init; }

    /// <summary>Where CODELSP_MODEL is read from (tests pass a dictionary).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
}

/// <summary>
/// Runs one LSP session over a pair of streams: frames are checked by <see cref="IncomingFrameFilter"/>, messages go through
/// StreamJsonRpc (header-delimited, System.Text.Json with <see cref="LspJson.Options"/>), every method in <see cref="MethodTable"/>
/// is queued by <see cref="RequestQueue"/>, and model status goes back to the client through <see cref="ModelStatusReporter"/>.
/// <see cref="RunAsync"/> ends on exit (0 after shutdown, 1 otherwise) or when the input closes.
/// </summary>
public sealed class LanguageServerHost
{
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly IAssistant _assistant;
    private readonly ILogger _logger;
    private readonly LanguageServerOptions _options;

    public LanguageServerHost(Stream input, Stream output, IAssistant assistant, ILogger logger, LanguageServerOptions? options = null)
    {
        _input = input;
        _output = output;
        _assistant = assistant;
        _logger = logger;
        _options = options ?? new LanguageServerOptions();
    }

    /// <summary>Serves until exit or end of input; returns the process exit code. Does not dispose the assistant.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var server = new ServerState(_assistant, _logger, _options.LevelSwitch, _options.GetEnvironmentVariable);

        var framed = new Pipe();
        var formatter = new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options };
        var messageHandler = new HeaderDelimitedMessageHandler(PipeWriter.Create(_output), framed.Reader, formatter);
        var filter = new IncomingFrameFilter(_input, framed.Writer, _logger, error => messageHandler.WriteAsync(error, CancellationToken.None));
        using var filterStop = new CancellationTokenSource();
        var filtering = Task.Run(() => filter.RunAsync(filterStop.Token), CancellationToken.None);

        // Leave rpc.SynchronizationContext at its default (NonConcurrentSynchronizationContext): it invokes our method targets
        // one at a time in arrival order, which is what makes RequestQueue's order the client's order.
        var rpc = new LspJsonRpc(new ResilientMessageHandler(messageHandler, _logger))
        {
            CancelLocallyInvokedMethodsWhenConnectionIsClosed = true,
        };
        rpc.TraceSource.Switch.Level = SourceLevels.Warning;
        rpc.TraceSource.Listeners.Clear();
        rpc.TraceSource.Listeners.Add(new JsonRpcTraceLog(_logger));

        await using var queue = new RequestQueue(method => new RequestContext(method, server.Documents.Current), _logger);
        foreach (var registration in MethodTable.Create(server))
        {
            registration.AddTo(rpc, queue, server.Lifecycle, _logger);
        }
        var reporter = new ModelStatusReporter(
            _assistant, rpc, () => server.ClientCapabilities.Window?.WorkDoneProgress == true, _logger);
        server.StatusReporter = reporter;
        server.Client = rpc;

        rpc.StartListening();
        _logger.Information("codelsp {Version} serving LSP", Handlers.Lifecycle.InitializeHandler.ServerVersion);

        int exitCode;
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        var first = await Task.WhenAny(server.ExitCode, rpc.Completion, cancelled).ConfigureAwait(false);
        if (first == server.ExitCode)
        {
            exitCode = await server.ExitCode.ConfigureAwait(false);
        }
        else
        {
            // The input closed (or the caller gave up) without exit: as good as exit, 0 only if shutdown came first.
            exitCode = server.Lifecycle.ShutdownRequested ? 0 : 1;
            _logger.Information("Connection ended without exit ({Reason}); exit code {ExitCode}",
                first == cancelled ? "cancelled" : "input closed", exitCode);
            if (first == rpc.Completion && rpc.Completion.IsFaulted)
            {
                _logger.Warning(rpc.Completion.Exception, "The JSON-RPC connection failed");
            }
        }

        var stopping = Stopwatch.StartNew();
        await reporter.DisposeAsync().ConfigureAwait(false);
        rpc.Dispose();
        await filterStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.Debug("JSON-RPC completed with {Message}", ex.Message);
        }
        // The filter may sit in a read of the client's stream that ignores cancellation: stdin stays open until this process
        // ends (Neovim, VS Code). Waiting for it made every exit take the full wait; it ends with the stream or the process.
        _logger.Debug("Session stopped in {Milliseconds} ms (input reader {ReaderState})",
            stopping.ElapsedMilliseconds, filtering.IsCompleted ? "done" : "left to the process exit");
        return exitCode;
    }
}
