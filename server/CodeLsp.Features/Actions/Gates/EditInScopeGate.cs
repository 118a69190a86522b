using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// Every change lies inside the span the action may touch (the member, the type) of the original document, except
/// using directives the import adder put among the file's usings; a new file changes nothing else in the solution.
/// </summary>
internal sealed class EditInScopeGate(TextSpan scope) : IValidationGate
{
    public string Name => "edit inside the member";

    /// <summary>An insertion among (or right after) the top-level usings that is nothing but using directives.</summary>
    private static bool AddsUsings(Microsoft.CodeAnalysis.SyntaxNode? root, TextChange change)
    {
        if (root is not Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax unit || change.Span.Length != 0 || change.NewText is not { } added) return false;
        var usingsEnd = unit.Usings.Count > 0 ? unit.Usings.Last().FullSpan.End : unit.Externs.LastOrDefault()?.FullSpan.End ?? 0;
        if (change.Span.Start > usingsEnd) return false;
        var lines = added.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Count > 0 && lines.All(l => l.StartsWith("using ", StringComparison.Ordinal) && l.EndsWith(';'));
    }

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        if (candidate.IsNewFile)
        {
            var changes = candidate.Edited.Project.Solution.GetChanges(candidate.Original.Project.Solution);
            var projects = changes.GetProjectChanges().ToList();
            var added = projects.SelectMany(p => p.GetAddedDocuments()).ToList();
            var changed = projects.SelectMany(p => p.GetChangedDocuments()).ToList();
            return added.SequenceEqual([candidate.Edited.Id]) && changed.Count == 0
                ? new GateVerdict(Name, true, $"one new file {candidate.Edited.Name}")
                : new GateVerdict(Name, false, $"{added.Count} file(s) added, {changed.Count} changed");
        }

        var edits = (await candidate.Edited.GetTextChangesAsync(candidate.Original, cancellationToken).ConfigureAwait(false)).ToList();
        var root = await candidate.Original.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var outside = edits.Where(e => (e.Span.Start < scope.Start || e.Span.End > scope.End) && !AddsUsings(root, e)).ToList();
        if (edits.Count == 0) return new GateVerdict(Name, false, "the answer changes nothing");
        if (outside.Count == 0) return new GateVerdict(Name, true, $"{edits.Count} change(s) inside {scope}");
        var text = await candidate.Original.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var line = text.Lines.GetLinePosition(outside[0].Span.Start).Line + 1;
        return new GateVerdict(Name, false, $"{outside.Count} change(s) outside the member, first at line {line}");
    }
}
