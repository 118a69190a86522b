using System.Globalization;

namespace CodeLsp.Server.Benchmarks.Idle;

/// <summary>CPU time and context switches of a process, per thread, from /proc/&lt;pid&gt;/task/*/{stat,status,comm}.</summary>
internal sealed record ProcessCpu(long ProcessTicks, IReadOnlyDictionary<int, (string Name, long Ticks, long Switches)> Threads)
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc (100 on Linux everywhere in practice).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>CPU of the whole process, threads that already ended included (from /proc/&lt;pid&gt;/stat).</summary>
    public long Ticks => ProcessTicks;

    /// <summary>Context switches of the threads alive now.</summary>
    public long Switches => Threads.Values.Sum(t => t.Switches);

    private static long StatTicks(string stat)
    {
        // pid (comm) state …: after the closing parenthesis, utime and stime are fields 12 and 13 (0-based: 11, 12).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    public static ProcessCpu Read(int pid)
    {
        var threads = new Dictionary<int, (string, long, long)>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var ticks = StatTicks(File.ReadAllText(Path.Combine(task, "stat")));
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, ticks, switches);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The thread ended between listing and reading.
            }
        }
        return new ProcessCpu(StatTicks(File.ReadAllText($"/proc/{pid}/stat")), threads);
    }

    /// <summary>Per thread alive now, what happened between <paramref name="before"/> and this reading.</summary>
    public IEnumerable<(int Tid, string Name, long Ticks, long Switches)> Since(ProcessCpu before) =>
        Threads.Select(t => (t.Key, t.Value.Name,
            t.Value.Ticks - (before.Threads.TryGetValue(t.Key, out var b) ? b.Ticks : 0),
            t.Value.Switches - (before.Threads.TryGetValue(t.Key, out var s) ? s.Switches : 0)));
}
