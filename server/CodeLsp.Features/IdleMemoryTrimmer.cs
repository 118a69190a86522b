using CodeLsp.Workspace;

namespace CodeLsp.Features;

/// <summary>
/// Gives back the memory an editing burst left behind once the user pauses: every edit binds new compilations and
/// semantic models, and the space the old ones held stays committed to the GC heap (and to malloc's arenas) until
/// something compacts it. One timer, re-armed by every edit, fires once <see cref="QuietPeriod"/> after the last one
/// and runs <see cref="ProcessMemory.Trim"/>; an idle server then does nothing until the next edit.
/// </summary>
internal sealed class IdleMemoryTrimmer : IDisposable
{
    /// <summary><see cref="ProcessMemory.IdleTrimQuietPeriod"/>.</summary>
    public static TimeSpan QuietPeriod => ProcessMemory.IdleTrimQuietPeriod;

    private readonly TimeSpan _quiet;
    private readonly Timer _timer;

    public IdleMemoryTrimmer(Action trim, TimeSpan quiet)
    {
        _quiet = quiet;
        _timer = new Timer(_ => trim(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>An edit: the quiet period starts again.</summary>
    public void Touch() => _timer.Change(_quiet, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();
}
