using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// Where this process's working set goes, for the solution benchmark's log: resident memory by kind of mapping
/// (read from /proc/self/smaps on Linux: anonymous memory — the GC heap and native allocations —, the .NET runtime,
/// the application's own assemblies, reference assemblies and packages, the runtime's executable memory — JIT code,
/// stubs, loader heaps) next to the GC's own figures (heap size, fragmentation, committed) and glibc's malloc
/// statistics. Elsewhere only the GC figures are printed.
/// </summary>
internal static class MemoryBreakdown
{
    public static string Describe(string when)
    {
        var lines = new List<string> { $"Memory breakdown {when}:" };
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        var generations = string.Join(", ", gc.GenerationInfo.ToArray().Select((g, i) => Invariant($"{Name(i)} {Mb(g.SizeAfterBytes)}")));
        lines.Add(Invariant($"  GC ({(GCSettings.IsServerGC ? "server" : "workstation")}, {(gc.Concurrent ? "concurrent" : "non-concurrent")}, {(gc.Compacted ? "compacted" : "not compacted")} last): heap {Mb(gc.HeapSizeBytes)} ({generations}), fragmented {Mb(gc.FragmentedBytes)}, committed {Mb(gc.TotalCommittedBytes)}, promoted {Mb(gc.PromotedBytes)}"));
        if (NativeHeap() is { } malloc) lines.Add(malloc);
        if (File.Exists("/proc/self/smaps"))
        {
            var groups = new Dictionary<string, (long Rss, long Anonymous)>(StringComparer.Ordinal);
            var files = new Dictionary<string, long>(StringComparer.Ordinal);
            string? group = null, file = null;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                if (IsMappingHeader(line, out var path))
                {
                    group = Classify(path);
                    file = path.StartsWith('/') && !path.Contains("doublemapper", StringComparison.Ordinal) ? path : null;
                    continue;
                }
                if (group is null) continue;
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    Add(groups, group, Kb(line), 0);
                    if (file is not null) files[file] = files.GetValueOrDefault(file) + Kb(line);
                }
                else if (line.StartsWith("Anonymous:", StringComparison.Ordinal)) Add(groups, group, 0, Kb(line));
            }
            var total = groups.Values.Sum(g => g.Rss);
            lines.Add(Invariant($"  resident {Mb(total)}:"));
            foreach (var (name, (rss, anonymous)) in groups.OrderByDescending(g => g.Value.Rss))
                lines.Add(Invariant($"    {name,-44} {Mb(rss),5} ({Mb(anonymous)} anonymous)"));
            lines.Add("  largest mapped files:");
            foreach (var (path, rss) in files.OrderByDescending(f => f.Value).Take(12))
                lines.Add(Invariant($"    {Mb(rss),6} {path}"));
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>glibc's malloc: in use vs. free but kept in its arenas (mallinfo2).</summary>
    private static string? NativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var info = mallinfo2();
            return Invariant($"  malloc (glibc): in use {Mb((long)info.uordblks)} + {Mb((long)info.hblkhd)} in own mappings, free in arenas {Mb((long)info.fordblks)}, arena total {Mb((long)info.arena)}");
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    private static void Add(Dictionary<string, (long Rss, long Anonymous)> groups, string group, long rss, long anonymous)
    {
        var known = groups.GetValueOrDefault(group);
        groups[group] = (known.Rss + rss, known.Anonymous + anonymous);
    }

    /// <summary>A mapping's header: "start-end perms offset dev inode [path]".</summary>
    private static bool IsMappingHeader(string line, out string path)
    {
        path = "";
        var dash = line.IndexOf('-', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (dash <= 0 || space <= dash || !line[..dash].All(Uri.IsHexDigit) || !line[(dash + 1)..space].All(Uri.IsHexDigit)) return false;
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        path = fields.Length == 6 ? fields[5].Trim() : "";
        return true;
    }

    private static string Classify(string path)
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? "\0";
        var app = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        return path switch
        {
            "" => "anonymous (GC heap, native allocations)",
            "[heap]" => "native heap (brk)",
            _ when path.StartsWith('[') => "other " + path,
            _ when path.Contains("doublemapper", StringComparison.Ordinal) => "runtime loader heaps and JIT code (doublemapper)",
            _ when path.StartsWith(runtime, StringComparison.Ordinal) => ".NET runtime (shared framework)",
            _ when path.StartsWith(app, StringComparison.Ordinal) => "application assemblies (Roslyn, LLamaSharp …)",
            _ when path.Contains("/packs/", StringComparison.Ordinal) => "reference assemblies (SDK packs)",
            _ when path.Contains("/.nuget/packages/", StringComparison.Ordinal) => "NuGet package assemblies",
            _ when path.Contains("/dotnet/sdk/", StringComparison.Ordinal) => ".NET SDK files",
            _ when path.StartsWith("/dev/shm", StringComparison.Ordinal) || path.StartsWith("/memfd:", StringComparison.Ordinal) => "shared memory " + path.Split(' ')[0],
            _ when path.EndsWith(".so", StringComparison.Ordinal) || path.Contains(".so.", StringComparison.Ordinal) => "native libraries",
            _ => "other files",
        };
    }

    private static long Kb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Name(int generation) => generation switch { 0 => "gen0", 1 => "gen1", 2 => "gen2", 3 => "LOH", 4 => "POH", _ => "gen" + generation };

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0", CultureInfo.InvariantCulture) + " MB";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
