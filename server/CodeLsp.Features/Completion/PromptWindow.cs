using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>
/// Chooses the document text around the cursor that goes into the prompt. The prefix starts on a line snapped to
/// a multiple of <see cref="SnapLines"/>, so while the user types in one place the prompt's start stays the same
/// and the model's KV cache keeps matching it. Both sides are also capped in characters, so a minified file or a
/// 100,000-character line costs a prompt of ordinary size instead of filling the model's context (which would hold
/// the one model, and every other document's requests, for seconds).
/// </summary>
public static class PromptWindow
{
    public const int SnapLines = 32;

    /// <summary>A slice of one very long line starts on a multiple of this many characters, so it moves rarely while typing.</summary>
    public const int SnapChars = 1024;

    public const int DefaultMaxPrefixChars = 12_000;

    public const int DefaultMaxSuffixChars = 4_000;

    public static (string Prefix, string Suffix) Take(SourceText text, int offset, int prefixLines, int suffixLines,
        int maxPrefixChars = DefaultMaxPrefixChars, int maxSuffixChars = DefaultMaxSuffixChars)
    {
        var line = text.Lines.GetLineFromPosition(offset).LineNumber;
        var first = Math.Max(0, line - prefixLines);
        first -= first % SnapLines;
        var start = text.Lines[first].Start;
        if (offset - start > maxPrefixChars)
        {
            // Long lines: start at the first line start within reach; inside one very long line, at a snapped slice.
            var reach = offset - maxPrefixChars;
            var nextLineStart = text.Lines.GetLineFromPosition(reach).EndIncludingLineBreak;
            start = nextLineStart <= offset ? nextLineStart : reach + (SnapChars - reach % SnapChars) % SnapChars;
        }
        var last = Math.Min(text.Lines.Count - 1, line + suffixLines);
        var end = Math.Min(text.Lines[last].EndIncludingLineBreak, offset + maxSuffixChars);
        return (text.ToString(TextSpan.FromBounds(start, offset)), text.ToString(TextSpan.FromBounds(offset, end)));
    }
}
