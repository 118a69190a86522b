using System.Diagnostics;

namespace CodeLsp.Server.Benchmarks.Wire;

/// <summary>
/// The real <c>codelsp serve</c> in a process of its own, driven over its stdin/stdout by an <see cref="LspWireClient"/>:
/// what an editor sees, transport and process exit included. By default it runs this very executable; <c>server</c>
/// names another build's codelsp.dll (to measure a before/after side by side). Its log goes to a file in its state folder.
/// </summary>
internal sealed class ServerChild : IAsyncDisposable
{
    private readonly bool _ownsStateFolder;

    private ServerChild(Process process, string stateFolder, bool ownsStateFolder)
    {
        _ownsStateFolder = ownsStateFolder;
        Process = process;
        StateFolder = stateFolder;
        Client = new LspWireClient(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
    }

    private bool _wrapped;

    public Process Process { get; }

    /// <summary>What the child wrote to stderr (its console log), line by line.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Stderr { get; } = new();

    /// <summary>The server's own process id: the child's, or the wrapper's first child.</summary>
    public int ServerPid
    {
        get
        {
            if (!_wrapped) return Process.Id;
            for (var attempt = 0; attempt < 500; attempt++)
            {
                var tree = Privacy.SocketAudit.ProcessTree(Process.Id);
                if (tree.Count > 1) return tree[1];
                Thread.Sleep(10);
            }
            throw new InvalidOperationException("The wrapped server process did not start");
        }
    }
    public LspWireClient Client { get; }

    /// <summary>The child's XDG_STATE_HOME (logs, statistics); a fresh temporary folder unless given.</summary>
    public string StateFolder { get; }

    public string LogFile => Path.Combine(StateFolder, "serve.log");

    /// <summary>
    /// Starts <c>dotnet codelsp.dll serve</c> (this build's, or <paramref name="server"/>). <paramref name="wrapper"/> runs it
    /// under another program (e.g. strace); then <see cref="ServerPid"/> is the wrapper's child.
    /// </summary>
    public static ServerChild Start(
        string? server = null,
        string? stateFolder = null,
        string logLevel = "information",
        IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null)
    {
        var ownsStateFolder = stateFolder is null;
        stateFolder ??= Directory.CreateTempSubdirectory("codelsp-child-").FullName;
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var self = Environment.ProcessPath ?? "dotnet";
        var apphost = server is null && Path.GetFileNameWithoutExtension(self) == "codelsp";
        var command = new List<string>(wrapper ?? []);
        command.Add(apphost ? self : Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet");
        if (!apphost) command.Add(server ?? typeof(ServerChild).Assembly.Location);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "serve", "--log-level", logLevel, "--log-file", Path.Combine(stateFolder, "serve.log") })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("CODELSP_MODEL");
        start.Environment["XDG_STATE_HOME"] = stateFolder;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}");
        var child = new ServerChild(process, stateFolder, ownsStateFolder) { _wrapped = wrapper is { Count: > 0 } };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) child.Stderr.Enqueue(e.Data);
        };
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>initialize (with progress support, the folder and the settings given) and initialized.</summary>
    public async Task InitializeAsync(string? folder = null, object? initializationOptions = null, TimeSpan? timeout = null)
    {
        var initialize = new
        {
            processId = Environment.ProcessId,
            rootUri = folder is null ? null : new Uri(Path.GetFullPath(folder) + "/").AbsoluteUri,
            capabilities = new { window = new { workDoneProgress = true } },
            initializationOptions,
        };
        var answer = await Client.RequestAsync(Protocol.Methods.Initialize, initialize).WaitAsync(timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (!answer.TryGetProperty("result", out _)) throw new InvalidOperationException($"initialize failed: {answer}");
        await Client.NotifyAsync(Protocol.Methods.Initialized, new { }).ConfigureAwait(false);
    }

    /// <summary>Waits for "model … ready" (window/logMessage); throws with the server's message when the load failed.</summary>
    public async Task WaitForModelAsync(TimeSpan timeout)
    {
        var message = await Client.WaitForNotificationAsync(
            m => m.GetProperty("method").GetString() is Protocol.Methods.WindowLogMessage or Protocol.Methods.WindowShowMessage
                 && m.GetProperty("params").GetProperty("message").GetString() is { } text
                 && (text.Contains("model", StringComparison.Ordinal) && text.Contains("ready", StringComparison.Ordinal) || text.Contains("could not load model", StringComparison.Ordinal)),
            timeout).ConfigureAwait(false);
        var text = message.GetProperty("params").GetProperty("message").GetString()!;
        if (text.Contains("could not load model", StringComparison.Ordinal)) throw new InvalidOperationException(text);
    }

    /// <summary>Waits for the end of the workspace's load progress.</summary>
    public Task WaitForWorkspaceAsync(TimeSpan timeout) =>
        Client.WaitForNotificationAsync(
            m => m.GetProperty("method").GetString() == Protocol.Methods.Progress
                 && m.GetProperty("params") is var p
                 && p.GetProperty("token").ToString().Contains("workspace-load", StringComparison.Ordinal)
                 && p.GetProperty("value").GetProperty("kind").GetString() == "end",
            timeout);

    /// <summary>Peak resident memory (VmHWM) and current (VmRSS) of the child, in MiB, from /proc; null elsewhere.</summary>
    public (double Peak, double Current)? Memory()
    {
        try
        {
            double peak = 0, current = 0;
            foreach (var line in File.ReadLines($"/proc/{ServerPid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kib(line) / 1024.0;
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = Kib(line) / 1024.0;
            }
            return (peak, current);
        }
        catch (IOException)
        {
            return null;
        }

        static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().ConfigureAwait(false);
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync().ConfigureAwait(false);
        }
        Process.Dispose();
        if (!_ownsStateFolder) return;
        try
        {
            Directory.Delete(StateFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
