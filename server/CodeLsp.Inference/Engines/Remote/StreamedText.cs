using System.Diagnostics;
using System.Text;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// The text of one streamed answer as it grows, with its clock: time to the first piece (reported as prompt time)
/// and after it (generation time), and the caller's <see cref="GenerationLimits.StopWhen"/> asked after every piece.
/// </summary>
internal sealed class StreamedText(Func<string, bool>? stopWhen)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly StringBuilder _text = new();
    private TimeSpan? _first;

    public string Text => _text.ToString();

    public int Pieces { get; private set; }

    public bool HasText => _text.Length > 0;

    /// <summary>Adds a piece; true when the caller has seen enough (generation should end and the request close).</summary>
    public bool Add(string? piece)
    {
        if (string.IsNullOrEmpty(piece)) return false;
        _first ??= _clock.Elapsed;
        _text.Append(piece);
        Pieces++;
        return stopWhen is not null && stopWhen(_text.ToString());
    }

    public TimeSpan PromptTime => _first ?? _clock.Elapsed;

    public TimeSpan GenerationTime => _clock.Elapsed - PromptTime;

    /// <summary>Token counts the server reported at the end (null: not said).</summary>
    public int? PromptTokens { get; set; }

    public int? CachedTokens { get; set; }

    public int? GeneratedTokens { get; set; }

    public FimCompletion ToFim(StopReason reason) =>
        new(Text, reason, PromptTokens ?? 0, CachedTokens ?? 0, PromptTime, GeneratedTokens ?? Pieces, GenerationTime);
}
