namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// After a 429 or 503 no request reaches the engine until a jittered, doubling wait has passed (1 s, 2 s, 4 s …
/// up to 30 s, or the server's Retry-After); a success resets it. Keystrokes in between are answered at once with
/// nothing, so a busy shared server is not hammered by every user's typing.
/// </summary>
internal sealed class EngineBackoff(TimeProvider? time = null)
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private int _failures;
    private DateTimeOffset _until = DateTimeOffset.MinValue;

    /// <summary>How long requests still wait; zero when they may go.</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_gate)
            {
                var left = _until - _time.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    public void Failed(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _failures++;
            var wait = retryAfter is { } given && given > TimeSpan.Zero
                ? given
                : TimeSpan.FromMilliseconds(Math.Min(Longest.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, _failures - 1)) * (0.75 + Random.Shared.NextDouble() * 0.5));
            _until = _time.GetUtcNow() + (wait > Longest ? Longest : wait);
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _failures = 0;
            _until = DateTimeOffset.MinValue;
        }
    }
}
