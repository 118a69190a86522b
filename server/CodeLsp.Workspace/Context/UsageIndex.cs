using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// How often the solution's own code names each member and type: a count per simple name over every syntax tree
/// (references only, not declarations). The members a codebase calls are the ones it calls next, so receivers with
/// hundreds of members (<c>StringBuilder</c>, <c>Type</c>) rank the ones this solution uses first. Built once per
/// solution (one pass over the tokens of every tree; no binding), then kept up to date per edit by recounting only
/// the files that changed since the last snapshot. Counted per file path, so a file shared by several projects (one
/// per target framework) counts once. Names, not symbols: binding every name of a solution would cost seconds, and
/// a name is what a completion writes.
/// </summary>
internal sealed class UsageIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (SyntaxTree Tree, Microsoft.CodeAnalysis.Text.SourceText? Text, Dictionary<string, int> Counts)> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);
    private Solution? _indexed;

    /// <summary>An index that knows no uses (for callers without a solution).</summary>
    public static readonly UsageIndex Empty = new();

    /// <summary>Uses of <paramref name="name"/> in the solution's code.</summary>
    public int Count(string name)
    {
        lock (_gate) return _totals.GetValueOrDefault(name);
    }

    /// <summary>For each name, whether the solution uses it (one lock for the whole list).</summary>
    public bool[] Used(IEnumerable<string> names)
    {
        lock (_gate) return [.. names.Select(_totals.ContainsKey)];
    }

    /// <summary>Files counted (for tests and the benchmark).</summary>
    public int FileCount
    {
        get
        {
            lock (_gate) return _files.Count;
        }
    }

    /// <summary>
    /// Brings the index up to <paramref name="solution"/>: the first snapshot (or another solution) is indexed
    /// whole; a later snapshot of the same solution costs a recount of the files whose trees changed.
    /// </summary>
    public void Update(Solution solution, CancellationToken ct)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_indexed, solution)) return;
            if (_indexed is null || _indexed.Id != solution.Id)
            {
                _files.Clear();
                _totals.Clear();
                foreach (var document in solution.Projects.Where(p => p.Language == LanguageNames.CSharp).SelectMany(p => p.Documents))
                    Recount(document, ct);
            }
            else
            {
                var changes = solution.GetChanges(_indexed);
                foreach (var project in changes.GetAddedProjects().Where(p => p.Language == LanguageNames.CSharp))
                {
                    foreach (var document in project.Documents) Recount(document, ct);
                }
                foreach (var project in changes.GetProjectChanges())
                {
                    foreach (var id in project.GetChangedDocuments().Concat(project.GetAddedDocuments()))
                    {
                        if (project.NewProject.GetDocument(id) is { } document) Recount(document, ct);
                    }
                    foreach (var id in project.GetRemovedDocuments())
                    {
                        if (project.OldProject.GetDocument(id)?.FilePath is { } path && solution.GetDocumentIdsWithFilePath(path).IsEmpty) Remove(path);
                    }
                }
            }
            _indexed = solution;
        }
    }

    private void Recount(Document document, CancellationToken ct)
    {
        var key = document.FilePath ?? document.Id.Id.ToString();
        if (!document.SupportsSyntaxTree) return;
        // The copies of one file in several projects share the editor's text: count it once.
        if (_files.TryGetValue(key, out var known) && document.TryGetText(out var text) && ReferenceEquals(text, known.Text)) return;
        var tree = document.TryGetSyntaxTree(out var parsed) ? parsed : document.GetSyntaxTreeAsync(ct).GetAwaiter().GetResult();
        if (tree is null) return;
        if (known.Tree == tree) return;
        if (known.Counts is not null) Apply(known.Counts, -1);
        var counts = CountNames(tree.GetRoot(ct));
        Apply(counts, +1);
        _files[key] = (tree, tree.TryGetText(out var treeText) ? treeText : null, counts);
    }

    private void Remove(string path)
    {
        if (!_files.Remove(path, out var known)) return;
        Apply(known.Counts, -1);
    }

    private void Apply(Dictionary<string, int> counts, int sign)
    {
        foreach (var (name, count) in counts)
        {
            var total = _totals.GetValueOrDefault(name) + sign * count;
            if (total <= 0) _totals.Remove(name);
            else _totals[name] = total;
        }
    }

    /// <summary>Every simple name that refers to something (a use, not a declaration), counted.</summary>
    internal static Dictionary<string, int> CountNames(SyntaxNode root)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in root.DescendantTokens())
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is not SimpleNameSyntax) continue;
            var name = token.ValueText;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return counts;
    }

    /// <summary>
    /// The score a use count adds: 0 for a name the solution never uses, rising with the logarithm of the count up to
    /// <see cref="ContextScores.UsageBonus"/> at <see cref="ContextScores.UsageSaturation"/> uses.
    /// </summary>
    public double Bonus(string name)
    {
        var count = Count(name);
        if (count == 0) return 0;
        return ContextScores.UsageBonus * Math.Min(1.0, Math.Log2(1 + count) / Math.Log2(1 + ContextScores.UsageSaturation));
    }
}
