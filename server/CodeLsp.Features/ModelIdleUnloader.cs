namespace CodeLsp.Features;

/// <summary>
/// Frees the model after a quiet interval (the unloadAfterIdleMinutes setting): one timer, re-armed by every use, so an
/// idle server does no work at all until it fires once. Zero or less: never.
/// </summary>
internal sealed class ModelIdleUnloader(Action unload) : IDisposable
{
    private readonly Timer _timer = new(_ => unload(), null, Timeout.Infinite, Timeout.Infinite);
    private TimeSpan _after = Timeout.InfiniteTimeSpan;

    public TimeSpan? After => _after == Timeout.InfiniteTimeSpan ? null : _after;

    public void Configure(double minutes)
    {
        _after = minutes > 0 ? TimeSpan.FromMinutes(minutes) : Timeout.InfiniteTimeSpan;
        Touch();
    }

    /// <summary>The model was just used (or loaded): the quiet interval starts again.</summary>
    public void Touch() => _timer.Change(_after, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();
}
