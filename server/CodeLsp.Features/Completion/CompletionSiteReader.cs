using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>Reads a <see cref="CompletionSite"/> off a document: the cursor's line, what follows, and the document's conventions.</summary>
public static class CompletionSiteReader
{
    private const int FollowingLineCount = 4;

    public static CompletionSite Read(SourceText text, int offset, bool multiLine)
    {
        var line = text.Lines.GetLineFromPosition(offset);
        var following = new List<string>(FollowingLineCount);
        for (var n = line.LineNumber + 1; n < text.Lines.Count && following.Count < FollowingLineCount; n++)
        {
            following.Add(text.Lines[n].ToString());
        }
        return new CompletionSite(
            LinePrefix: text.ToString(TextSpan.FromBounds(line.Start, offset)),
            LineSuffix: text.ToString(TextSpan.FromBounds(offset, line.End)),
            FollowingLines: following,
            MultiLine: multiLine,
            IndentUnit: DetectIndentUnit(text),
            NewLine: DetectNewLine(text));
    }

    /// <summary>The document's indentation: tabs if most indented lines use them, else the smallest common step of spaces.</summary>
    internal static string DetectIndentUnit(SourceText text)
    {
        int tabs = 0, spaces = 0, step = 0;
        var previous = 0;
        foreach (var line in text.Lines.Take(2000))
        {
            var s = line.ToString();
            if (s.Trim().Length == 0) continue;
            if (s[0] == '\t') { tabs++; continue; }
            var width = s.Length - s.TrimStart(' ').Length;
            if (width > 0) spaces++;
            var delta = Math.Abs(width - previous);
            if (delta is >= 2 and <= 8 && (step == 0 || delta < step)) step = delta;
            previous = width;
        }
        if (tabs > spaces) return "\t";
        return new string(' ', step == 0 ? 4 : step);
    }

    internal static string DetectNewLine(SourceText text)
    {
        foreach (var line in text.Lines.Take(50))
        {
            if (line.EndIncludingLineBreak > line.End)
            {
                return text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
            }
        }
        return Environment.NewLine == "\r\n" ? "\r\n" : "\n";
    }
}
