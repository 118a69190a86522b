using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CodeLsp.Server.Benchmarks.Privacy;

/// <summary>One socket seen in a process's file table: its family (unix, tcp, tcp6, udp, udp6, raw, other) and, for unix, its path.</summary>
internal sealed record SeenSocket(int Pid, string Family, string Path);

/// <summary>
/// Watches the sockets a process tree holds, from /proc: every socket inode in /proc/&lt;pid&gt;/fd of the process and its
/// descendants (the MSBuild build host is a child), looked up in that process's /proc/&lt;pid&gt;/net tables. Sampling can
/// miss a socket that lives shorter than the interval; <see cref="StraceLog"/> sees every call, when strace is installed.
/// </summary>
internal sealed class SocketAudit : IAsyncDisposable
{
    private static readonly string[] InetTables = ["tcp", "tcp6", "udp", "udp6", "raw", "raw6", "udplite", "udplite6", "netlink", "packet"];
    private readonly int _rootPid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public SocketAudit(int rootPid, TimeSpan interval)
    {
        _rootPid = rootPid;
        _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                SampleOnce();
                try { await Task.Delay(interval, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        });
    }

    /// <summary>Every distinct socket seen, by (pid, inode).</summary>
    public ConcurrentDictionary<(int Pid, string Inode), SeenSocket> Seen { get; } = new();

    public int Samples { get; private set; }

    /// <summary>Sockets that closed before they could be classified.</summary>
    public int Gone { get; private set; }

    private static bool StillOpen(string fd, string target)
    {
        try { return new FileInfo(fd).LinkTarget == target; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
    }

    public void SampleOnce()
    {
        foreach (var pid in ProcessTree(_rootPid))
        {
            string[] fds;
            try { fds = Directory.GetFiles($"/proc/{pid}/fd"); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            foreach (var fd in fds)
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
                if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal)) continue;
                var inode = target[8..^1];
                if (Seen.ContainsKey((pid, inode))) continue;
                var seen = Classify(pid, inode);
                if (seen.Family == "other" && !StillOpen(fd, target))
                {
                    // Closed between reading the fd and reading the tables (.NET's protocol probes, build host connect retries
                    // live microseconds): nothing to classify; strace, when present, sees those calls.
                    Gone++;
                    continue;
                }
                Seen[(pid, inode)] = seen;
            }
        }
        Samples++;
    }

    private static SeenSocket Classify(int pid, string inode)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/unix").Skip(1))
            {
                // Num RefCount Protocol Flags Type St Inode [Path]
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length >= 7 && columns[6] == inode) return new SeenSocket(pid, "unix", columns.Length > 7 ? columns[7] : "");
            }
            foreach (var table in InetTables)
            {
                var path = $"/proc/{pid}/net/{table}";
                if (!File.Exists(path)) continue;
                foreach (var line in File.ReadLines(path).Skip(1))
                {
                    var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    // tcp/udp/raw and netlink: the inode is column 9; packet: column 8.
                    var inodeColumn = table == "packet" ? 8 : 9;
                    if (columns.Length > inodeColumn && columns[inodeColumn] == inode) return new SeenSocket(pid, table, table is "netlink" or "packet" ? "" : $"{columns[1]} -> {columns[2]}");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return new SeenSocket(pid, "other", "");
    }

    /// <summary>The process and all its descendants, from /proc/&lt;pid&gt;/task/*/children.</summary>
    public static IReadOnlyList<int> ProcessTree(int root)
    {
        var result = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            result.Add(pid);
            try
            {
                foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
                {
                    foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        pending.Push(int.Parse(child, CultureInfo.InvariantCulture));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampling.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>
/// The socket calls of a process tree as strace recorded them (<c>strace -f -e trace=socket,connect,bind,sendto,sendmsg</c>):
/// each call's family and, for calls with an address, the address.
/// </summary>
internal sealed partial record StraceLog(IReadOnlyList<(string Call, string Family, string Address)> Calls)
{
    public const string TraceExpression = "trace=socket,socketpair,connect,bind,listen,sendto,sendmsg";

    /// <summary>Whether strace is installed and allowed to trace here (containers may forbid ptrace).</summary>
    public static bool IsUsable()
    {
        try
        {
            using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("strace", ["-qq", "-e", "trace=none", "true"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (probe is null) return false;
            probe.WaitForExit(10_000);
            return probe.HasExited && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static StraceLog Parse(IEnumerable<string> lines)
    {
        var calls = new List<(string, string, string)>();
        foreach (var line in lines)
        {
            var call = CallPattern().Match(line);
            if (!call.Success) continue;
            var name = call.Groups["call"].Value;
            var family = FamilyPattern().Match(line) is { Success: true } f ? f.Groups["family"].Value : "";
            var address = PathPattern().Match(line) is { Success: true } p ? p.Groups["path"].Value
                : AddressPattern().Match(line) is { Success: true } a ? a.Value : "";
            calls.Add((name, family, address));
        }
        return new StraceLog(calls);
    }

    [GeneratedRegex(@"^\d+\s+(?:\d\d:\d\d:\d\d(?:\.\d+)?\s+)?(?<call>socket|socketpair|connect|bind|listen|sendto|sendmsg)\(")]
    private static partial Regex CallPattern();

    [GeneratedRegex(@"(?:sa_family=|socket\(|socketpair\()(?<family>AF_[A-Z0-9]+)")]
    private static partial Regex FamilyPattern();

    [GeneratedRegex(@"sun_path=""(?<path>[^""]*)""")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"sin6?_addr=[^}]*")]
    private static partial Regex AddressPattern();
}
