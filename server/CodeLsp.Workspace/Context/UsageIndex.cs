using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// How often the solution's own code names each member and type: a count per simple name over every syntax tree
/// (references only, not declarations). The members a codebase calls are the ones it calls next, so receivers with
/// hundreds of members (<c>StringBuilder</c>, <c>Type</c>) rank the ones this solution uses first. Built once per
/// solution (one pass over the tokens of every tree; no binding), then kept up to date per edit by recounting only
/// the subtrees of the changed files that the incremental parser did not reuse. Counted per file path, so a file shared by several projects (one
/// per target framework) counts once. Names, not symbols: binding every name of a solution would cost seconds, and
/// a name is what a completion writes.
/// </summary>
internal sealed class UsageIndex
{
    private readonly Lock _gate = new();
    /// <summary>
    /// Per file: the tree counted (kept only once the file was edited, for the next edit's diff: the first count of a
    /// file parses it apart from the workspace, so the trees of files nobody edits are neither kept here nor cached in
    /// the solution — a compilation parses them again when a request first needs it; the first edit of such a file
    /// diffs from the counted snapshot's own tree when the editor has parsed it), the hash of the text counted, and
    /// the counts.
    /// </summary>
    private readonly Dictionary<string, (SyntaxTree? Tree, ImmutableArray<byte> Hash, Dictionary<string, int> Counts)> _files = new(StringComparer.Ordinal);
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
                        if (project.NewProject.GetDocument(id) is { } document) Recount(document, ct, project.OldProject.GetDocument(id));
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

    /// <param name="previous">The document in the counted snapshot, when this is an edit: its tree, when parsed, is
    /// the base of the diff for a file whose own tree the index let go.</param>
    private void Recount(Document document, CancellationToken ct, Document? previous = null)
    {
        var key = document.FilePath ?? document.Id.Id.ToString();
        if (!document.SupportsSyntaxTree) return;
        var text = document.TryGetText(out var loaded) ? loaded : document.GetTextAsync(ct).GetAwaiter().GetResult();
        var hash = text.GetContentHash();
        // The same text again: the copies of one file in several projects (one per target framework), or an unchanged
        // file (one just opened, say).
        if (_files.TryGetValue(key, out var known) && known.Hash.AsSpan().SequenceEqual(hash.AsSpan())) return;
        SyntaxTree tree;
        var keep = true;
        if (document.TryGetSyntaxTree(out var parsed)) tree = parsed;
        else if (known.Counts is not null) tree = document.GetSyntaxTreeAsync(ct).GetAwaiter().GetResult()!; // an edited file: its tree is the document's
        else
        {
            // A file counted for the first time: parsed apart, and let go once counted.
            tree = CSharpSyntaxTree.ParseText(text, document.Project.ParseOptions as CSharpParseOptions, document.FilePath ?? "", ct);
            keep = false;
        }
        var counted = known.Tree;
        if (counted is null && known.Counts is not null && previous is not null && previous.TryGetSyntaxTree(out var before) &&
            previous.TryGetText(out var beforeText) && beforeText.GetContentHash().AsSpan().SequenceEqual(known.Hash.AsSpan()))
            counted = before; // the counted text, parsed since (the editor had the file open)
        Dictionary<string, int> counts;
        if (counted is not null)
        {
            // An edit: recount only the subtrees the parser did not reuse from the counted tree.
            var delta = new Dictionary<string, int>(StringComparer.Ordinal);
            Diff(counted.GetRoot(ct), tree.GetRoot(ct), delta);
            counts = known.Counts!;
            foreach (var (name, change) in delta)
            {
                if (change == 0) continue;
                var count = counts.GetValueOrDefault(name) + change;
                if (count <= 0) counts.Remove(name);
                else counts[name] = count;
            }
            Apply(delta, +1);
        }
        else
        {
            // First count, or the first edit of a file counted without its tree: count it whole.
            if (known.Counts is not null) Apply(known.Counts, -1);
            counts = CountNames(tree.GetRoot(ct));
            Apply(counts, +1);
        }
        _files[key] = (keep ? tree : null, hash, counts);
    }

    /// <summary>
    /// Adds to <paramref name="delta"/> the change in name counts from <paramref name="before"/> to
    /// <paramref name="after"/>. Subtrees that are incrementally identical (the same parsed node, reused by an
    /// incremental parse) hold the same names with the same parents, so they are skipped; the children lists are
    /// matched by their identical prefix and suffix, what is left paired up when both sides have as many, and the rest is uncounted from the old tree and counted in the new.
    /// Exact for any pair of trees; fast when <paramref name="after"/> was parsed incrementally from <paramref name="before"/>.
    /// </summary>
    internal static void Diff(SyntaxNode before, SyntaxNode after, Dictionary<string, int> delta)
    {
        while (true)
        {
            if (before.IsIncrementallyIdenticalTo(after)) return;
            if (before.RawKind != after.RawKind)
            {
                Count(before, delta, -1);
                Count(after, delta, +1);
                return;
            }
            var old = before.ChildNodesAndTokens();
            var now = after.ChildNodesAndTokens();
            int start = 0, oldEnd = old.Count, newEnd = now.Count;
            while (start < oldEnd && start < newEnd && old[start].IsIncrementallyIdenticalTo(now[start])) start++;
            while (oldEnd > start && newEnd > start && old[oldEnd - 1].IsIncrementallyIdenticalTo(now[newEnd - 1])) { oldEnd--; newEnd--; }
            if (oldEnd - start == 1 && newEnd - start == 1 && old[start].AsNode() is { } oldChild && now[start].AsNode() is { } newChild)
            {
                before = oldChild;
                after = newChild;
                continue;
            }
            if (oldEnd - start == newEnd - start)
            {
                // As many children on both sides (a re-lexed brace or end-of-file token next to the changed member):
                // pair them up, so the unchanged parts of each pair are still skipped.
                for (var i = start; i < oldEnd; i++)
                {
                    if (old[i].AsNode() is { } a && now[i].AsNode() is { } b) Diff(a, b, delta);
                    else if (!old[i].IsIncrementallyIdenticalTo(now[i]))
                    {
                        Count(old[i], delta, -1);
                        Count(now[i], delta, +1);
                    }
                }
                return;
            }
            for (var i = start; i < oldEnd; i++) Count(old[i], delta, -1);
            for (var i = start; i < newEnd; i++) Count(now[i], delta, +1);
            return;
        }
    }

    private static void Count(SyntaxNodeOrToken item, Dictionary<string, int> delta, int sign)
    {
        if (item.AsNode() is { } node)
        {
            foreach (var token in node.DescendantTokens()) Count(token, delta, sign);
        }
        else Count(item.AsToken(), delta, sign);
    }

    private static void Count(SyntaxToken token, Dictionary<string, int> delta, int sign)
    {
        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is not SimpleNameSyntax) return;
        var name = token.ValueText;
        delta[name] = delta.GetValueOrDefault(name) + sign;
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
            Count(token, counts, +1);
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
