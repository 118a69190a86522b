using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions;

/// <summary>
/// Moves edits computed on one version of a document onto a later one. Allowed only when every change between the
/// versions lies outside the protected span (the member the action rewrote): then the edits shift by what was inserted
/// or deleted before them. A change that touches the protected span makes the edits stale: null, nothing is applied.
/// </summary>
public static class EditRebaser
{
    public static IReadOnlyList<RangeEdit>? Rebase(SourceText computedOn, SourceText current, IReadOnlyList<RangeEdit> edits, LinePositionSpan protectedRange)
    {
        if (computedOn.ContentEquals(current)) return edits;
        var (start, oldEnd, newEnd) = ChangedRegion(computedOn, current);
        var guarded = computedOn.Lines.GetTextSpan(protectedRange);
        foreach (var edit in edits)
        {
            var span = computedOn.Lines.GetTextSpan(edit.Range);
            guarded = TextSpan.FromBounds(Math.Min(guarded.Start, span.Start), Math.Max(guarded.End, span.End));
        }

        // The changed region must end before the guarded span starts, or start after it ends.
        if (!(oldEnd <= guarded.Start || start >= guarded.End))
        {
            return null;
        }

        var delta = newEnd - oldEnd;
        return edits.Select(e =>
        {
            var span = computedOn.Lines.GetTextSpan(e.Range);
            var moved = span.Start >= oldEnd ? new TextSpan(span.Start + delta, span.Length) : span;
            return e with { Range = current.Lines.GetLinePositionSpan(moved) };
        }).ToList();
    }

    /// <summary>The one region where the texts differ: same prefix and suffix around it (old [start, oldEnd), new [start, newEnd)).</summary>
    private static (int Start, int OldEnd, int NewEnd) ChangedRegion(SourceText before, SourceText after)
    {
        var a = before.ToString();
        var b = after.ToString();
        var prefix = 0;
        var max = Math.Min(a.Length, b.Length);
        while (prefix < max && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < max - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix]) suffix++;
        return (prefix, a.Length - suffix, b.Length - suffix);
    }
}
