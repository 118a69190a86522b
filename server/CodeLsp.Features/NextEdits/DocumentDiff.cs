using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>One changed region: <see cref="Old"/> in the text before, <see cref="New"/> in the text after.</summary>
internal readonly record struct Hunk(TextSpan Old, TextSpan New);

/// <summary>
/// The regions where one document's text differs between the baseline and now, and the mapping of positions across
/// them. Texts that descend from each other (the open document's edits) give one hunk per edited place; unrelated
/// texts (the file on disk against the first overlay) give one hunk between their common prefix and suffix.
/// </summary>
internal sealed class DocumentDiff
{
    private DocumentDiff(IReadOnlyList<Hunk> hunks) => Hunks = hunks;

    /// <summary>Sorted, non-overlapping, each trimmed to its smallest differing span.</summary>
    public IReadOnlyList<Hunk> Hunks { get; }

    public bool IsEmpty => Hunks.Count == 0;

    public static DocumentDiff Compute(SourceText before, SourceText after)
    {
        if (ReferenceEquals(before, after)) return new DocumentDiff([]);
        var changes = after.GetTextChanges(before);
        var wholeText = changes.Count == 1 && changes[0].Span.Start == 0 && changes[0].Span.Length == before.Length;
        if (changes.Count == 0 || wholeText)
        {
            var hunk = Trim(before, after, new TextSpan(0, before.Length), new TextSpan(0, after.Length));
            return new DocumentDiff(hunk is { } h ? [h] : []);
        }

        // Changes are in before coordinates; walk them keeping the running length delta, merging touching ones.
        var hunks = new List<Hunk>();
        var delta = 0;
        TextSpan? pendingOld = null;
        var pendingNewStart = 0;
        var pendingNewLength = 0;
        foreach (var change in changes.OrderBy(c => c.Span.Start))
        {
            var newLength = change.NewText?.Length ?? 0;
            if (pendingOld is { } old && change.Span.Start <= old.End)
            {
                pendingOld = TextSpan.FromBounds(old.Start, Math.Max(old.End, change.Span.End));
                pendingNewLength += change.Span.Start - old.End + newLength;
            }
            else
            {
                Flush();
                pendingOld = change.Span;
                pendingNewStart = change.Span.Start + delta;
                pendingNewLength = newLength;
            }
            delta += newLength - change.Span.Length;
        }
        Flush();
        return new DocumentDiff(hunks);

        void Flush()
        {
            if (pendingOld is not { } old) return;
            if (Trim(before, after, old, new TextSpan(pendingNewStart, pendingNewLength)) is { } h) hunks.Add(h);
            pendingOld = null;
        }
    }

    private static Hunk? Trim(SourceText before, SourceText after, TextSpan old, TextSpan @new)
    {
        int start = 0, maxStart = Math.Min(old.Length, @new.Length);
        while (start < maxStart && before[old.Start + start] == after[@new.Start + start]) start++;
        int end = 0, maxEnd = Math.Min(old.Length, @new.Length) - start;
        while (end < maxEnd && before[old.End - 1 - end] == after[@new.End - 1 - end]) end++;
        var o = TextSpan.FromBounds(old.Start + start, old.End - end);
        var n = TextSpan.FromBounds(@new.Start + start, @new.End - end);
        return o.IsEmpty && n.IsEmpty ? null : new Hunk(o, n);
    }

    /// <summary>Maps a span of the text before to the text after; false when a changed region touches it (the user edited there).</summary>
    public bool TryMapToAfter(TextSpan span, out TextSpan mapped) => TryMap(span, h => h.Old, h => h.New, out mapped);

    /// <summary>Maps a span of the text after back to the text before; false when a changed region touches it.</summary>
    public bool TryMapToBefore(TextSpan span, out TextSpan mapped) => TryMap(span, h => h.New, h => h.Old, out mapped);

    private bool TryMap(TextSpan span, Func<Hunk, TextSpan> from, Func<Hunk, TextSpan> to, out TextSpan mapped)
    {
        var delta = 0;
        foreach (var hunk in Hunks)
        {
            var source = from(hunk);
            if (source.Start > span.End) break;
            if (source.End >= span.Start)
            {
                mapped = default;
                return false;
            }
            delta += to(hunk).Length - source.Length;
        }
        mapped = new TextSpan(span.Start + delta, span.Length);
        return true;
    }

    /// <summary>True when a position of the text after lies inside (or at the edge of) a changed region.</summary>
    public bool TouchesAfter(TextSpan span) => !TryMapToBefore(span, out _);
}
