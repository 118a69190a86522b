using System.Text.Json;
using CodeLsp.Server.Benchmarks.Wire;

namespace CodeLsp.Server.Benchmarks.Privacy;

/// <summary>What a <see cref="PrivacyRun"/> saw, and what of it breaks the privacy promise (empty: none).</summary>
internal sealed record PrivacyFindings(
    IReadOnlyList<SeenSocket> Sockets,
    StraceLog? Strace,
    int Samples,
    int Completions,
    bool MarkerInLog,
    IReadOnlyList<string> Problems);

/// <summary>
/// A full editing run against the real executable — model loaded, workspace loaded, a document opened, typed into with
/// completions requested and accepted, closed, shutdown, exit — while its sockets are watched (from /proc, and through
/// strace when <paramref name="useStrace"/>). The typed text carries a marker that must not reach the log or stderr above
/// Debug. The promise checked: no socket other than a Unix-domain one is ever connected, bound or sent to; the only Unix
/// sockets are the .NET runtime's diagnostic endpoint (kept on purpose, see README) and the pipe to Roslyn's MSBuild
/// build host, this server's own child process.
/// </summary>
internal static class PrivacyRun
{
    public const string Marker = "zqPrivacyMarker7Qx";

    public static async Task<PrivacyFindings> RunAsync(string model, string? workspace, string logLevel, bool useStrace, int cycles, CancellationToken ct)
    {
        var straceOut = Path.Combine(Path.GetTempPath(), $"codelsp-strace-{Guid.NewGuid():N}.txt");
        string[]? wrapper = useStrace ? ["strace", "-f", "-qq", "-e", StraceLog.TraceExpression, "-o", straceOut] : null;
        var completions = 0;
        List<SeenSocket> sockets;
        string log;
        int samples;
        await using (var child = ServerChild.Start(logLevel: logLevel, wrapper: wrapper))
        {
            await using (var audit = new SocketAudit(child.Process.Id, TimeSpan.FromMilliseconds(20)))
            {
                await child.InitializeAsync(workspace, new { modelPath = model }).ConfigureAwait(false);
                await child.WaitForModelAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                if (workspace is not null) await child.WaitForWorkspaceAsync(TimeSpan.FromSeconds(300)).ConfigureAwait(false);

                var file = workspace is null ? null : Directory.EnumerateFiles(workspace, "*.cs", SearchOption.AllDirectories).FirstOrDefault(f => !f.Contains("/obj/", StringComparison.Ordinal));
                var uri = file is null ? "file:///privacy/Marker.cs" : new Uri(file).AbsoluteUri;
                var text = (file is null ? "" : await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)) +
                           $"\n// {Marker}\nclass {Marker}Holder\n{{\n    void M()\n    {{\n        var {Marker}Value = 1;\n        ";
                await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidOpen, new { textDocument = new { uri, languageId = "csharp", version = 1, text } }).ConfigureAwait(false);
                var (line, column) = End(text);
                for (var cycle = 0; cycle < cycles; cycle++)
                {
                    var typed = cycle % 2 == 0 ? "x" : Marker[..3];
                    await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidChange, new
                    {
                        textDocument = new { uri, version = cycle + 2 },
                        contentChanges = new[] { new { range = new { start = new { line, character = column }, end = new { line, character = column } }, text = typed } },
                    }).ConfigureAwait(false);
                    column += typed.Length;
                    var answer = await child.Client.RequestAsync(Protocol.Methods.TextDocumentInlineCompletion, new
                    {
                        textDocument = new { uri },
                        position = new { line, character = column },
                        context = new { triggerKind = 1 },
                    }).WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
                    if (answer.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                        && result.GetProperty("items") is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() > 0)
                    {
                        completions++;
                        if (items[0].TryGetProperty("command", out var command))
                        {
                            await child.Client.RequestAsync(Protocol.Methods.WorkspaceExecuteCommand, new { command = command.GetProperty("command").GetString(), arguments = command.GetProperty("arguments") }).ConfigureAwait(false);
                        }
                    }
                }
                await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidClose, new { textDocument = new { uri } }).ConfigureAwait(false);
                await child.Client.RequestAsync(Protocol.Methods.Shutdown, null).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                audit.SampleOnce();
                await child.Client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
                await child.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                sockets = [.. audit.Seen.Values];
                samples = audit.Samples;
            }
            log = string.Join('\n', child.Stderr) + "\n" + await ReadSharedAsync(child.LogFile).ConfigureAwait(false);
        }

        StraceLog? strace = null;
        if (useStrace)
        {
            strace = StraceLog.Parse(await File.ReadAllLinesAsync(straceOut, ct).ConfigureAwait(false));
            if (Check([], strace).Count == 0) File.Delete(straceOut);
            else Console.Error.WriteLine($"strace log kept: {straceOut}");
        }
        var markerInLog = log.Contains(Marker, StringComparison.Ordinal);
        return new PrivacyFindings(sockets, strace, samples, completions, markerInLog, Check(sockets, strace));
    }

    /// <summary>What breaks the promise: a non-Unix socket held, or any non-Unix connect/bind/send, or a Unix one to anything but the two expected endpoints.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<SeenSocket> sockets, StraceLog? strace)
    {
        var problems = new List<string>();
        foreach (var socket in sockets)
        {
            if (socket.Family != "unix") problems.Add($"pid {socket.Pid} held a {socket.Family} socket {socket.Path}");
            else if (socket.Path.Length > 0 && !IsDiagnosticEndpoint(socket.Path) && !IsBuildHostPipe(socket.Path)) problems.Add($"pid {socket.Pid} held a unix socket at {socket.Path}");
        }
        foreach (var (call, family, address) in strace?.Calls ?? [])
        {
            // connect with AF_UNSPEC names no peer: it resets a socket's association (POSIX connect(2)) and sends nothing.
            if (call == "connect" && family == "AF_UNSPEC")
            {
                continue;
            }
            if (call is "connect" or "bind" or "sendto" or "sendmsg" && family.Length > 0 && family != "AF_UNIX")
            {
                problems.Add($"{call} on {family} {address}");
            }
            else if (call == "bind" && family == "AF_UNIX" && !IsDiagnosticEndpoint(address) && !IsBuildHostPipe(address))
            {
                problems.Add($"bind to unix {address}");
            }
            else if (call == "connect" && family == "AF_UNIX" && !IsBuildHostPipe(address) && !IsDiagnosticEndpoint(address))
            {
                problems.Add($"connect to unix {address}");
            }
            else if (call == "socket" && family is not ("AF_UNIX" or "AF_INET" or "AF_INET6"))
            {
                problems.Add($"socket of family {family}");
            }
        }
        return problems;
    }

    /// <summary>The runtime's diagnostic port: {temp}/dotnet-diagnostic-{pid}-{key}-socket.</summary>
    private static bool IsDiagnosticEndpoint(string path) => Path.GetFileName(path).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal);

    /// <summary>Roslyn's build host pipe: a GUID-named Unix socket in the temp folder.</summary>
    private static bool IsBuildHostPipe(string path) => Guid.TryParse(Path.GetFileName(path), out _);

    private static (int Line, int Column) End(string text)
    {
        var lines = text.Split('\n');
        return (lines.Length - 1, lines[^1].Length);
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        if (!File.Exists(path)) return "";
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }
}
