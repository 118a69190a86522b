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
