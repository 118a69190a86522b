using System.Runtime;
using System.Runtime.InteropServices;

namespace CodeLsp.Workspace;

/// <summary>
/// Gives memory the process no longer uses back to the system. Loading a solution allocates far more than it keeps
/// (MSBuild's results, the interim ad-hoc project, parse and bind temporaries): afterwards the GC heap is mostly
/// free space the GC keeps committed for later allocations, the large-object heap is never compacted by itself, and
/// on Linux glibc's malloc arenas keep the native memory freed by the runtime and by Roslyn's metadata readers.
/// One compacting, decommitting collection and one malloc_trim at that moment return it; it runs once per load,
/// never on a timer.
/// </summary>
public static class ProcessMemory
{
    /// <summary>
    /// How long the server waits after the last edit (or a workspace load) before its one idle trim: long enough to
    /// fall in a real pause rather than between keystrokes, well inside the first 10 idle seconds.
    /// </summary>
    public static readonly TimeSpan IdleTrimQuietPeriod = TimeSpan.FromSeconds(5);

    private static bool s_noMallocTrim;

    /// <summary>
    /// A blocking full collection that compacts every heap (the large-object heap too) and decommits what is free,
    /// then, on glibc, the free pages of every malloc arena returned to the system.
    /// </summary>
    public static void Trim()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        // What the finalizers let go of (Roslyn's metadata readers free their native copies of whole files there) is
        // collected only by the next collection.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux() || s_noMallocTrim) return;
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_noMallocTrim = true; // not glibc (musl has no malloc_trim): nothing to trim there
        }
    }

    /// <summary>
    /// A blocking collection of the young generations, for a quiet moment right after a burst of background work
    /// (the preparation of an opened document: compilations built, binder code run, thousands of temporary objects).
    /// What survived that work is promoted now instead of at the next collection, which would otherwise fall on one
    /// of the user's first keystrokes: 29–32 ms of GC pause on 2 runs in 10 of <c>codelsp bench completion</c>, none
    /// with it. Not compacting the old generation, not returning memory: that is <see cref="Trim"/>'s work when idle.
    /// </summary>
    public static void CollectYoungGenerations() => GC.Collect(1, GCCollectionMode.Forced, blocking: true);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
