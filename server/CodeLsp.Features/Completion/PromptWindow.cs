using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>
/// Chooses the document text around the cursor that goes into the prompt. The prefix starts on a line snapped to
/// a multiple of <see cref="SnapLines"/>, so while the user types in one place the prompt's start stays the same
/// and the model's KV cache keeps matching it.
/// </summary>
public static class PromptWindow
{
    public const int SnapLines = 32;

    public static (string Prefix, string Suffix) Take(SourceText text, int offset, int prefixLines, int suffixLines, int maxChars = 32_000)
    {
        var line = text.Lines.GetLineFromPosition(offset).LineNumber;
        var first = Math.Max(0, line - prefixLines);
        first -= first % SnapLines;
        var start = text.Lines[first].Start;
        if (offset - start > maxChars)
        {
            // Very long lines: fall back to a character window starting at a line start where possible.
            start = text.Lines.GetLineFromPosition(offset - maxChars).EndIncludingLineBreak;
            start = Math.Min(start, offset);
        }
        var last = Math.Min(text.Lines.Count - 1, line + suffixLines);
        var end = Math.Min(text.Lines[last].EndIncludingLineBreak, offset + maxChars / 2);
        return (text.ToString(TextSpan.FromBounds(start, offset)), text.ToString(TextSpan.FromBounds(offset, end)));
    }
}
