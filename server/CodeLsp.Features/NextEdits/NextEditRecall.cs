using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>How the compiler's own list of new errors was answered: resolved by the proposed edits, left to the model, explained, or missed.</summary>
/// <param name="InEdit">New errors inside the member the user is editing (e.g. a removed parameter still used in the body): the user's own edit, not a follow-up site.</param>
public sealed record NextEditRecallResult(int NewErrors, int Resolved, int AtModelSites, int Explained, int InEdit, IReadOnlyList<string> Uncovered)
{
    public double Recall => NewErrors == 0 ? 1 : (double)(NewErrors - Uncovered.Count) / NewErrors;
}

/// <summary>
/// Measures an analysis against the whole compilation (slow: every project's diagnostics, for benchmarks and tests):
/// every error the edit introduced must be gone once the proposed edits are applied, sit at a model site, or be explained.
/// </summary>
public static class NextEditRecall
{
    public static async Task<NextEditRecallResult> MeasureAsync(Solution before, Solution after, NextEditAnalysis analysis, CancellationToken ct)
    {
        var introduced = Subtract(await ErrorsAsync(after, ct).ConfigureAwait(false), await ErrorsAsync(before, ct).ConfigureAwait(false));
        var done = after;
        foreach (var group in analysis.Edits.GroupBy(e => e.FilePath))
        {
            var id = done.GetDocumentIdsWithFilePath(group.Key).FirstOrDefault();
            if (id is null) continue;
            var text = await done.GetDocument(id)!.GetTextAsync(ct).ConfigureAwait(false);
            var changes = group.Select(e => new TextChange(text.Lines.GetTextSpan(e.Range), e.NewText)).OrderBy(c => c.Span.Start).ToList();
            foreach (var other in done.GetDocumentIdsWithFilePath(group.Key)) done = done.WithDocumentText(other, text.WithChanges(changes));
        }
        var remaining = Subtract(introduced, await ErrorsAsync(done, ct).ConfigureAwait(false), keepMatched: true);
        var resolved = introduced.Count - remaining.Count;
        var editScopes = await EditScopesAsync(before, after, ct).ConfigureAwait(false);
        int atModel = 0, explained = 0, inEdit = 0;
        var uncovered = new List<string>();
        foreach (var error in remaining)
        {
            var file = error.Location.SourceTree?.FilePath;
            var range = error.Location.GetLineSpan().Span;
            if (analysis.ModelSites.Any(m => m.FilePath == file && m.SiteDiagnostic is { } d && Overlaps(d.Location.GetLineSpan().Span, range))) atModel++;
            else if (analysis.Explained.Any(x => x.FilePath == file && Overlaps(x.Range, range))) explained++;
            else if (editScopes.Any(s => s.Tree == error.Location.SourceTree && s.Scope.Contains(error.Location.SourceSpan))) inEdit++;
            else uncovered.Add($"{Path.GetFileName(file)}({range.Start.Line + 1},{range.Start.Character + 1}): {NextEditContext.Key(error)}");
        }
        return new NextEditRecallResult(introduced.Count, resolved, atModel, explained, inEdit, uncovered);
    }

    /// <summary>The members (or types, for a member added between others) that hold the changed text, in the trees after the edit.</summary>
    private static async Task<List<(SyntaxTree Tree, TextSpan Scope)>> EditScopesAsync(Solution before, Solution after, CancellationToken ct)
    {
        var scopes = new List<(SyntaxTree, TextSpan)>();
        foreach (var id in after.GetChanges(before).GetProjectChanges().SelectMany(p => p.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true)))
        {
            if (before.GetDocument(id) is not { } old || after.GetDocument(id) is not { } now) continue;
            var diff = DocumentDiff.Compute(await old.GetTextAsync(ct).ConfigureAwait(false), await now.GetTextAsync(ct).ConfigureAwait(false));
            var tree = await now.GetSyntaxTreeAsync(ct).ConfigureAwait(false);
            var root = await now.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (tree is null || root is null) continue;
            foreach (var hunk in diff.Hunks) scopes.Add((tree, NextEditSyntax.ScopeOf(root, hunk.New)));
        }
        return scopes;
    }

    private static bool Overlaps(LinePositionSpan a, LinePositionSpan b) => a.Start <= b.End && b.Start <= a.End;

    private static async Task<List<Diagnostic>> ErrorsAsync(Solution solution, CancellationToken ct)
    {
        var all = new List<Diagnostic>();
        foreach (var project in solution.Projects.Where(p => p.Language == LanguageNames.CSharp))
        {
            var compilation = await project.GetCompilationAsync(ct).ConfigureAwait(false);
            if (compilation is null) continue;
            all.AddRange(compilation.GetDiagnostics(ct).Where(d => NextEditGate.Counts(d) && d.Location.IsInSource));
        }
        return all;
    }

    /// <summary>Diagnostics of <paramref name="now"/> without a counterpart (same file, id and message) in <paramref name="then"/>; or, with keepMatched, those of <paramref name="now"/> that do have one.</summary>
    private static List<Diagnostic> Subtract(List<Diagnostic> now, List<Diagnostic> then, bool keepMatched = false)
    {
        var counts = then.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<Diagnostic>();
        foreach (var d in now)
        {
            var key = Key(d);
            var matched = counts.TryGetValue(key, out var c) && c > 0;
            if (matched) counts[key] = c - 1;
            if (matched == keepMatched) result.Add(d);
        }
        return result;
    }

    private static string Key(Diagnostic d) => d.Location.SourceTree?.FilePath + "|" + NextEditContext.Key(d);
}
