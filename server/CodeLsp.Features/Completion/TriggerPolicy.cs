using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>The outcome of <see cref="TriggerPolicy.Decide"/>: fire after a delay, or stay quiet and say why.</summary>
public readonly record struct TriggerDecision(bool Fire, TimeSpan Delay, string Reason);

/// <summary>Knobs of <see cref="TriggerPolicy"/>; all user-configurable.</summary>
public sealed record TriggerOptions
{
    /// <summary>Automatic suggestions at all (explicit requests are always answered).</summary>
    public bool Automatic { get; init; } = true;
    public int MinDebounceMs { get; init; } = 40;
    public int MaxDebounceMs { get; init; } = 300;
    /// <summary>How long the cursor must rest on an empty line before an automatic suggestion there.</summary>
    public int EmptyLinePauseMs { get; init; } = 350;
}

/// <summary>
/// When to fire. Users complain about assistants that fire too eagerly (every keystroke, mid-word, on each empty
/// line) or too late (a fixed long delay). Explicit requests are answered at once. Automatic requests wait for a
/// debounce that follows the user's typing rhythm (a request superseded within it never reaches the model), skip
/// the middle of a word and lines with code after the cursor, and on an empty line wait until the user pauses.
/// Owns the per-document typing-rate estimate.
/// </summary>
public sealed class TriggerPolicy(TriggerOptions options, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<Uri, (long LastTicks, double IntervalMs)> _typing = [];
    private double _modelLatencyMs;

    public TriggerOptions Options { get; set; } = options;

    /// <summary>Feeds the measured model latency, so a slow model waits a bit longer before it is asked.</summary>
    public void RecordModelLatency(TimeSpan latency)
    {
        lock (_typing) _modelLatencyMs = _modelLatencyMs == 0 ? latency.TotalMilliseconds : 0.8 * _modelLatencyMs + 0.2 * latency.TotalMilliseconds;
    }

    public TriggerDecision Decide(Uri document, SourceText text, int offset, CompletionTrigger trigger)
    {
        if (trigger == CompletionTrigger.Invoked) return new(true, TimeSpan.Zero, "invoked");
        var interval = RecordKeystroke(document);
        if (!Options.Automatic) return new(false, TimeSpan.Zero, "automatic suggestions are off");

        var line = text.Lines.GetLineFromPosition(offset);
        var before = text.ToString(TextSpan.FromBounds(line.Start, offset));
        var after = text.ToString(TextSpan.FromBounds(offset, line.End));
        if (offset < text.Length && IsWordChar(text[offset]) && offset > line.Start && IsWordChar(text[offset - 1]))
        {
            return new(false, TimeSpan.Zero, "cursor is in the middle of a word");
        }
        if (after.Trim().Any(c => !IsCloser(c)))
        {
            return new(false, TimeSpan.Zero, "code follows the cursor on this line");
        }

        var debounce = Debounce(interval);
        if (before.Trim().Length == 0)
        {
            debounce = TimeSpan.FromMilliseconds(Math.Max(debounce.TotalMilliseconds, Options.EmptyLinePauseMs));
            return new(true, debounce, "empty line: waiting for a pause");
        }
        return new(true, debounce, "typing");
    }

    /// <summary>
    /// Debounce = 3/4 of the recent interval between keystrokes (fast typists get suggestions between bursts,
    /// not at each key), plus a tenth of the model's latency, clamped to the configured range.
    /// </summary>
    private TimeSpan Debounce(double intervalMs)
    {
        double latency;
        lock (_typing) latency = _modelLatencyMs;
        var ms = 0.75 * intervalMs + 0.1 * latency;
        return TimeSpan.FromMilliseconds(Math.Clamp(ms, Options.MinDebounceMs, Options.MaxDebounceMs));
    }

    private double RecordKeystroke(Uri document)
    {
        var now = _clock.GetTimestamp();
        lock (_typing)
        {
            if (!_typing.TryGetValue(document, out var state))
            {
                _typing[document] = (now, 0);
                return 0;
            }
            var elapsed = _clock.GetElapsedTime(state.LastTicks, now).TotalMilliseconds;
            // Pauses longer than a second are not typing rhythm; they reset the estimate.
            var interval = elapsed > 1000 ? 0 : state.IntervalMs == 0 ? elapsed : 0.7 * state.IntervalMs + 0.3 * elapsed;
            _typing[document] = (now, interval);
            return interval;
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool IsCloser(char c) => c is ')' or ']' or '}' or ';' or ',' or '"' or '\'' or '>';
}
