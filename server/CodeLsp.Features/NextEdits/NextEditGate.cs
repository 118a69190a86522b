using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// The compile gate every next edit passes: applied to the solution after the user's edit, it must remove the site's
/// new diagnostic and must not add an error to the member (or type) it lands in. Otherwise it is not proposed.
/// </summary>
internal static class NextEditGate
{
    /// <summary>Errors, and the one warning next edits resolve: a switch expression that misses an enum member.</summary>
    public static bool Counts(Diagnostic d) => d.Severity == DiagnosticSeverity.Error || d.Id == "CS8509";

    /// <summary>
    /// Checks non-overlapping edits of one document applied together: every site's diagnostic must go (as many fewer
    /// of each as edits resolve it) and no error may be added in any of their scopes.
    /// </summary>
    public static async Task<bool> CheckTogetherAsync(NextEditContext context, IReadOnlyList<ProposedEdit> edits, CancellationToken ct)
    {
        var document = edits[0].Document;
        var scopes = new List<TextSpan>();
        foreach (var scope in edits.Select(e => e.Scope).OrderBy(s => s.Start))
        {
            if (scopes.Count > 0 && scopes[^1].OverlapsWith(scope)) scopes[^1] = TextSpan.FromBounds(scopes[^1].Start, Math.Max(scopes[^1].End, scope.End));
            else if (!scopes.Contains(scope)) scopes.Add(scope);
        }
        var was = new Dictionary<string, int>();
        foreach (var scope in scopes)
        {
            foreach (var d in await context.ScopeDiagnosticsAsync(document, scope, isBefore: false, ct).ConfigureAwait(false))
            {
                was[NextEditContext.Key(d)] = was.GetValueOrDefault(NextEditContext.Key(d)) + 1;
            }
        }
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        var changes = edits.Select(e => new TextChange(e.Span, e.NewText)).OrderBy(c => c.Span.Start).ToList();
        var changed = document.WithText(text.WithChanges(changes));
        var model = await changed.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (model is null) return false;
        int Map(int position, bool end) => position + changes.Where(c => end ? c.Span.Start < position || c.Span.End <= position : c.Span.End <= position && c.Span.Start < position)
            .Sum(c => c.NewText!.Length - c.Span.Length);
        var now = new Dictionary<string, int>();
        foreach (var scope in scopes)
        {
            var mapped = TextSpan.FromBounds(Map(scope.Start, end: false), Math.Max(Map(scope.Start, end: false), Map(scope.End, end: true)));
            foreach (var d in model.GetDiagnostics(mapped, ct).Where(Counts))
            {
                now[NextEditContext.Key(d)] = now.GetValueOrDefault(NextEditContext.Key(d)) + 1;
            }
        }
        foreach (var site in edits.Where(e => e.SiteDiagnostic is not null).GroupBy(e => NextEditContext.Key(e.SiteDiagnostic!)))
        {
            if (now.GetValueOrDefault(site.Key) > was.GetValueOrDefault(site.Key) - site.Count()) return false;
        }
        foreach (var (key, count) in now)
        {
            if (count > was.GetValueOrDefault(key)) return false;
        }
        return true;
    }

    public static async Task<(bool Passed, string Why)> CheckAsync(NextEditContext context, ProposedEdit edit, CancellationToken ct)
    {
        var before = await context.ScopeDiagnosticsAsync(edit.Document, edit.Scope, isBefore: false, ct).ConfigureAwait(false);
        var text = await edit.Document.GetTextAsync(ct).ConfigureAwait(false);
        var changed = edit.Document.WithText(text.WithChanges(new TextChange(edit.Span, edit.NewText)));
        var model = await changed.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (model is null) return (false, "no semantic model");
        var delta = edit.NewText.Length - edit.Span.Length;
        var scope = TextSpan.FromBounds(edit.Scope.Start, Math.Max(edit.Scope.Start, edit.Scope.End + delta));
        var after = model.GetDiagnostics(scope, ct).Where(Counts).ToList();

        var was = before.GroupBy(NextEditContext.Key).ToDictionary(g => g.Key, g => g.Count());
        var now = after.GroupBy(NextEditContext.Key).ToDictionary(g => g.Key, g => g.Count());
        if (edit.SiteDiagnostic is { } site)
        {
            var key = NextEditContext.Key(site);
            if (now.GetValueOrDefault(key) >= was.GetValueOrDefault(key)) return (false, $"{site.Id} remains");
        }
        foreach (var (key, count) in now)
        {
            if (count > was.GetValueOrDefault(key)) return (false, $"adds {key}");
        }
        return (true, "");
    }
}
