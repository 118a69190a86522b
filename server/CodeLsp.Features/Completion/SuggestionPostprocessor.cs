namespace CodeLsp.Features.Completion;

/// <summary>What the text around the cursor looks like, as far as cleaning a raw model output needs.</summary>
/// <param name="LinePrefix">Text of the cursor's line before the cursor.</param>
/// <param name="LineSuffix">Text of the cursor's line after the cursor.</param>
/// <param name="FollowingLines">The lines after the cursor's line (a few are enough).</param>
/// <param name="MultiLine">Whether a suggestion may span several lines here.</param>
/// <param name="IndentUnit">The document's indentation unit: "\t" or some spaces.</param>
/// <param name="NewLine">The document's line ending.</param>
public sealed record CompletionSite(
    string LinePrefix,
    string LineSuffix,
    IReadOnlyList<string> FollowingLines,
    bool MultiLine,
    string IndentUnit = "    ",
    string NewLine = "\n");

/// <summary>
/// Turns a raw model output into a suggestion worth showing, or null. Each step fixes one of the faults users
/// report most about local assistants: text after the cursor repeated, lines that repeat what follows,
/// runaway loops, suggestions running past the end of the block, unbalanced brackets, foreign indentation.
/// Pure string logic: no model, no editor.
/// </summary>
public static class SuggestionPostprocessor
{
    private const int MaxRepeats = 2;

    public static string? Clean(string raw, CompletionSite site)
    {
        if (IsGarbage(raw)) return null;
        var lines = raw.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').ToList();
        if (!site.MultiLine)
        {
            lines.RemoveRange(1, lines.Count - 1);
        }

        CutAtBlockEnd(lines, site);
        CutRepetitionLoops(lines);
        CutLinesRepeatingFollowingText(lines, site);
        TrimTrailingBlankLines(lines);
        if (lines.Count == 0) return null;

        lines[^1] = TrimSuffixOverlap(lines[^1], lines.Count == 1, site.LineSuffix);
        NormalizeIndentation(lines, site.IndentUnit);

        var text = string.Join(site.NewLine, lines).TrimEnd();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    /// <summary>
    /// Undecodable bytes (U+FFFD) and control characters never belong in source code: an output holding them is
    /// noise (a broken or tiny model), and showing part of it would be worse than showing nothing.
    /// </summary>
    private static bool IsGarbage(string raw) =>
        raw.Any(c => c == '\uFFFD' || (char.IsControl(c) && c is not ('\n' or '\r' or '\t')));

    /// <summary>
    /// Stops where the enclosing block ends: a line that closes more brackets than the suggestion opened,
    /// or a non-empty line indented less than the cursor's line.
    /// </summary>
    private static void CutAtBlockEnd(List<string> lines, CompletionSite site)
    {
        var baseIndent = IndentWidth(LeadingWhitespace(site.LinePrefix), site.IndentUnit);
        var depth = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (i > 0 && line.Trim().Length > 0 && IndentWidth(LeadingWhitespace(line), site.IndentUnit) < baseIndent)
            {
                lines.RemoveRange(i, lines.Count - i);
                return;
            }
            foreach (var (ch, index) in CodeCharacters(line))
            {
                if (ch is '(' or '[' or '{') depth++;
                else if (ch is ')' or ']' or '}')
                {
                    depth--;
                    // A closer of the enclosing block: the block ends here. On the first line the closer may belong to
                    // the text after the cursor (a call's parenthesis), which suffix trimming handles; elsewhere cut.
                    if (depth < 0 && ch == '}')
                    {
                        lines[i] = line[..index].TrimEnd();
                        lines.RemoveRange(i + 1, lines.Count - i - 1);
                        if (i > 0 && lines[i].Trim().Length == 0) lines.RemoveAt(i);
                        return;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Cuts a loop: a run of the same characters within a line, or of identical non-trivial lines (or pairs or
    /// triples of lines), after it has repeated <see cref="MaxRepeats"/> times.
    /// </summary>
    private static void CutRepetitionLoops(List<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var cut = CutRepeatedRun(lines[i]);
            if (cut.Length < lines[i].Length)
            {
                lines[i] = cut;
                lines.RemoveRange(i + 1, lines.Count - i - 1);
                break;
            }
        }
        for (var period = 1; period <= 3; period++)
        {
            for (var start = 0; start + period * (MaxRepeats + 1) <= lines.Count; start++)
            {
                var block = lines.Skip(start).Take(period).Select(l => l.Trim()).ToArray();
                if (block.All(l => l.Length < 3)) continue;
                var repeats = 1;
                var next = start + period;
                while (next + period <= lines.Count &&
                       lines.Skip(next).Take(period).Select(l => l.Trim()).SequenceEqual(block))
                {
                    repeats++;
                    next += period;
                }
                if (repeats > MaxRepeats)
                {
                    lines.RemoveRange(start + period * MaxRepeats, lines.Count - start - period * MaxRepeats);
                    return;
                }
            }
        }
    }

    /// <summary>Cuts a run of the same 4–32 characters within a line once it has repeated <see cref="MaxRepeats"/> times.</summary>
    private static string CutRepeatedRun(string line)
    {
        for (var start = 0; start < line.Length; start++)
        {
            for (var period = 4; period <= 32 && start + period * (MaxRepeats + 1) <= line.Length; period++)
            {
                var unit = line.AsSpan(start, period);
                // Runs of one character ("// =======") are separators, not loops.
                if (unit.IsWhiteSpace() || !unit.ContainsAnyExcept(unit[0])) continue;
                var repeats = 1;
                while (start + period * (repeats + 1) <= line.Length && line.AsSpan(start + period * repeats, period).SequenceEqual(unit)) repeats++;
                if (repeats > MaxRepeats) return line[..(start + period * MaxRepeats)];
            }
        }
        return line;
    }

    /// <summary>
    /// Drops the tail of the suggestion from the first line that repeats the next non-blank line after the
    /// cursor's line: the model is re-typing code that is already there.
    /// </summary>
    private static void CutLinesRepeatingFollowingText(List<string> lines, CompletionSite site)
    {
        var next = site.FollowingLines.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (next is null || lines.Count < 2) return;
        var depth = BracketBalance(lines[0]);
        for (var i = 1; i < lines.Count; i++)
        {
            // Only at depth 0: inside a block the suggestion opened, an equal line is the suggestion's own.
            if (depth <= 0 && next.Length >= 3 && lines[i].Trim() == next)
            {
                lines.RemoveRange(i, lines.Count - i);
                return;
            }
            depth += BracketBalance(lines[i]);
        }
    }

    /// <summary>
    /// Removes what the suggestion's last line repeats of the text after the cursor: the whole rest of the line
    /// (the model wrote "x)" before ")"), or closing punctuation that the line already has.
    /// </summary>
    internal static string TrimSuffixOverlap(string last, bool isCursorLine, string lineSuffix)
    {
        if (!isCursorLine) return last;
        var suffix = lineSuffix.TrimEnd();
        if (suffix.Length == 0) return last;

        var trimmedLast = last.TrimEnd();
        if (trimmedLast.EndsWith(suffix, StringComparison.Ordinal))
        {
            return trimmedLast[..^suffix.Length];
        }
        // Partial overlap of closers only: "Foo(a)" before ");" → "Foo(a", when the suggestion does not open them.
        for (var k = Math.Min(suffix.Length, trimmedLast.Length); k > 0; k--)
        {
            var head = suffix[..k];
            if (head.All(c => c is ')' or ']' or '}' or ';' or '"' or '\'' or ',' or ' ') &&
                trimmedLast.EndsWith(head, StringComparison.Ordinal) &&
                UnmatchedClosers(trimmedLast) > 0)
            {
                return trimmedLast[..^k];
            }
        }
        return last;
    }

    private static int BracketBalance(string line)
    {
        var balance = 0;
        foreach (var (ch, _) in CodeCharacters(line))
        {
            if (ch is '(' or '[' or '{') balance++;
            else if (ch is ')' or ']' or '}') balance--;
        }
        return balance;
    }

    private static int UnmatchedClosers(string text)
    {
        var depth = 0;
        var unmatched = 0;
        foreach (var (ch, _) in CodeCharacters(text))
        {
            if (ch is '(' or '[' or '{') depth++;
            else if (ch is ')' or ']' or '}')
            {
                if (depth == 0) unmatched++;
                else depth--;
            }
        }
        return unmatched;
    }

    /// <summary>Rewrites continuation lines' leading tabs as the document's spaces, or spaces as its tabs.</summary>
    private static void NormalizeIndentation(List<string> lines, string indentUnit)
    {
        var modelUnit = DetectIndentUnit(lines.Skip(1));
        // Only a change of kind is rewritten. Spaces of another width are ambiguous (8 spaces may be two levels
        // of 4 or four of 2), and guessing wrong shifts code the model placed right.
        if (modelUnit is null || (modelUnit == "\t") == (indentUnit == "\t")) return;
        for (var i = 1; i < lines.Count; i++)
        {
            var lead = LeadingWhitespace(lines[i]);
            if (lead.Length == 0) continue;
            var level = IndentWidth(lead, modelUnit);
            var unitWidth = modelUnit == "\t" ? 1 : modelUnit.Length;
            var levels = level / unitWidth;
            var remainder = level % unitWidth;
            lines[i] = string.Concat(Enumerable.Repeat(indentUnit, levels)) + new string(' ', remainder) + lines[i][lead.Length..];
        }
    }

    private static string? DetectIndentUnit(IEnumerable<string> lines)
    {
        var widths = new List<int>();
        foreach (var line in lines)
        {
            var lead = LeadingWhitespace(line);
            if (lead.Length == 0 || line.Trim().Length == 0) continue;
            if (lead.Contains('\t')) return "\t";
            widths.Add(lead.Length);
        }
        if (widths.Count == 0) return null;
        var unit = widths.Aggregate(Gcd);
        return unit is >= 2 and <= 8 ? new string(' ', unit) : null;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static void TrimTrailingBlankLines(List<string> lines)
    {
        while (lines.Count > 1 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 1 && lines[0].Length == 0) lines.Clear();
    }

    /// <summary>Width in columns, counting a tab as one indent unit.</summary>
    private static int IndentWidth(string whitespace, string indentUnit)
    {
        var tabWidth = indentUnit == "\t" ? 1 : indentUnit.Length;
        var width = 0;
        foreach (var c in whitespace) width += c == '\t' ? tabWidth : 1;
        return width;
    }

    private static string LeadingWhitespace(string line)
    {
        var n = 0;
        while (n < line.Length && (line[n] == ' ' || line[n] == '\t')) n++;
        return line[..n];
    }

    /// <summary>Characters outside string and char literals and line comments, with their index.</summary>
    private static IEnumerable<(char Ch, int Index)> CodeCharacters(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == '\\') i++;
                else if (c == q) quote = null;
                continue;
            }
            if (c is '"' or '\'') { quote = c; continue; }
            if (c == '/' && i + 1 < line.Length && line[i + 1] == '/') yield break;
            yield return (c, i);
        }
    }
}
