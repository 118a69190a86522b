using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Settings;
using CodeLsp.Server.Status;
using CodeLsp.Workspace.Documents;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// The server's mutable state. Documents, capabilities and settings are written only by mutating handlers
/// (one at a time, on the request queue); readers take the document store's immutable snapshot.
/// </summary>
internal sealed class ServerState(
    IAssistant assistant,
    ILogger logger,
    LoggingLevelSwitch? levelSwitch,
    Func<string, string?> getEnvironmentVariable)
{
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DocumentStore Documents { get; } = new();
    public IAssistant Assistant { get; } = assistant;
    public ILogger Logger { get; } = logger;
    public LoggingLevelSwitch? LevelSwitch { get; } = levelSwitch;

    /// <summary>The level from the command line, restored when the logLevel setting is removed.</summary>
    public LogEventLevel StartupLogLevel { get; } = levelSwitch?.MinimumLevel ?? LogEventLevel.Information;
    public Func<string, string?> GetEnvironmentVariable { get; } = getEnvironmentVariable;
    public LifecycleGate Lifecycle { get; } = new();

    public ClientCapabilities ClientCapabilities { get; set; } = new();

    /// <summary>The workspace folder from initialize (first folder, else rootUri/rootPath), loaded after initialized.</summary>
    public string? WorkspaceFolder { get; set; }

    /// <summary>False when the client said the folder is untrusted: then MSBuild never evaluates its projects.</summary>
    public bool WorkspaceTrusted { get; set; } = true;
    public ClientSettingsSources SettingsSources { get; set; } = new(null, null);
    public ClientSettings Settings { get; set; } = ClientSettings.Default;

    /// <summary>The connection, for requests to the client (workspace/applyEdit); set by the host.</summary>
    public StreamJsonRpc.JsonRpc? Client { get; set; }

    /// <summary>Set by the host once the connection exists.</summary>
    public ModelStatusReporter? StatusReporter { get; set; }

    /// <summary>AI actions running under a progress token, so window/workDoneProgress/cancel can stop them.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, CancellationTokenSource> RunningActions { get; } = new();

    /// <summary>Completes with the process exit code when the client sends exit.</summary>
    public Task<int> ExitCode => _exit.Task;

    public void RequestExit(int code) => _exit.TrySetResult(code);
}
