using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>A speculative model binding the edited member's new body against the earlier compilation.</summary>
internal sealed record SpeculativeModel(SemanticModel Model, TextSpan Body, int OldBodyEnd, int Delta, SemanticModel BaseModel, SourceText BaseText, TextSpan OldChange)
{
    /// <summary>The changed text in the current document.</summary>
    public TextSpan NewChange => new(OldChange.Start, OldChange.Length + Delta);

    /// <summary>A position in the earlier text, moved to where the same code is now.</summary>
    public int ToCurrent(int oldPosition) => oldPosition >= OldBodyEnd ? oldPosition + Delta : oldPosition;

    /// <summary>
    /// The same node in the earlier tree when <paramref name="node"/> ends before the first change (there the two
    /// texts are equal position for position), else null. The earlier model keeps its bindings across keystrokes,
    /// while each keystroke's speculative model binds the edited body again: a receiver or a name before the caret
    /// inside a long chain of lambdas cost 20–50 ms to bind speculatively at every keystroke, and once in the
    /// earlier model. Both models share the earlier compilation, so their symbols are the same objects.
    /// </summary>
    public T? InBase<T>(T node, CancellationToken ct) where T : SyntaxNode
    {
        if (node.Span.End > OldChange.Start || node.Span.End > BaseText.Length) return null;
        var found = BaseModel.SyntaxTree.GetRoot(ct).FindNode(node.Span, getInnermostNodeForTie: false);
        // FindNode gives the outermost node with that span: walk in to one of the same kind and text.
        for (var candidate = found; candidate is not null && candidate.Span == node.Span; candidate = candidate.ChildNodes().FirstOrDefault(c => c.Span == node.Span))
        {
            if (candidate is T same && same.RawKind == node.RawKind && same.IsEquivalentTo(node, topLevel: false)) return same;
        }
        return null;
    }
}


/// <summary>
/// The semantic models the context is read from, one per document, reused across keystrokes: the last full model of
/// each document (built without nullable analysis), and a speculative model that binds only the edited body against
/// it while every change since lies inside that body and no other document changed (docs/context.md, section 5).
/// One instance lives as long as the server.
/// </summary>
internal sealed class SemanticModelCache
{
    /// <summary>
    /// A full semantic model of an earlier version of a document, with the text and the solution it was built for.
    /// While only this document changes, and only inside one body, the earlier compilation still describes every
    /// declaration; only the body needs binding again.
    /// </summary>
    private sealed record ReusableModel(SemanticModel BaseModel, SourceText BaseText, Solution BaseSolution);

    /// <summary>How many requests were answered from a reused model (for tests and the benchmark).</summary>
    public int ReusedModels => Volatile.Read(ref _reusedModels);

    private const int MaxModels = 16;

    private int _reusedModels;
    private readonly Lock _modelsGate = new();

    /// <summary>The last speculative model made, with the text it binds: asked again for the same text and body (the context and the identifier list of one keystroke), it is answered once.</summary>
    private (SourceText Text, TextSpan Body, SpeculativeModel Model)? _lastSpeculative;
    private readonly Dictionary<DocumentId, ReusableModel> _models = [];

    /// <summary>
    /// The document's full semantic model, without nullable flow analysis: the context reads declared types, never
    /// flow states, and nullable analysis would bind and walk the whole member on the first question. Cached here
    /// (per document, for the latest text) since it is not the model Roslyn caches for the document.
    /// </summary>
    /// <param name="remember">False for a text nobody will edit (a warm-up's): the model is made, not kept.</param>
    public async Task<SemanticModel?> GetFullModelAsync(Document document, SourceText text, CancellationToken ct, bool remember = true)
    {
        ReusableModel? cached;
        lock (_modelsGate) _models.TryGetValue(document.Id, out cached);
        var tree = await document.GetSyntaxTreeAsync(ct).ConfigureAwait(false);
        if (cached is not null && cached.BaseModel.SyntaxTree == tree && OnlyThisDocumentChanged(document, cached.BaseSolution))
            return cached.BaseModel;
        var compilation = await document.Project.GetCompilationAsync(ct).ConfigureAwait(false);
        if (tree is null || compilation is null) return null;
        // Experimental in Roslyn 5.12 (dotnet/roslyn#70609); the version is pinned centrally, and the tests would
        // show a removal at the next update.
#pragma warning disable RSEXPERIMENTAL001
        var model = compilation.GetSemanticModel(tree, SemanticModelOptions.DisableNullableAnalysis);
#pragma warning restore RSEXPERIMENTAL001
        if (remember) RememberModel(document, text, model);
        return model;
    }

    /// <summary>
    /// Keeps the new model and lets go of every model that can no longer be reused: one whose document is gone from
    /// the new snapshot, or whose snapshot differs from the new one in another document (its declarations may have
    /// changed, so <see cref="OnlyThisDocumentChanged"/> would refuse it for every later snapshot too). Each kept
    /// model holds its whole compilation and solution snapshot; a stale one would keep them alive for nothing.
    /// </summary>
    private void RememberModel(Document document, SourceText text, SemanticModel model)
    {
        var solution = document.Project.Solution;
        lock (_modelsGate)
        {
            _models[document.Id] = new ReusableModel(model, text, solution);
            var stale = _models.Where(entry => entry.Key != document.Id &&
                !(solution.GetDocument(entry.Key) is { } other && OnlyThisDocumentChanged(other, entry.Value.BaseSolution))).Select(entry => entry.Key).ToList();
            foreach (var id in stale) _models.Remove(id);
            if (_models.Count > MaxModels) _models.Remove(_models.Keys.First(k => k != document.Id));
            ForgetStaleSpeculation();
        }
    }

    /// <summary>The document was closed: its model is not asked for again soon, and it holds a whole compilation.</summary>
    public void Forget(string path)
    {
        lock (_modelsGate)
        {
            foreach (var id in _models.Where(entry => string.Equals(entry.Value.BaseModel.SyntaxTree.FilePath, path, StringComparison.Ordinal)).Select(entry => entry.Key).ToList())
                _models.Remove(id);
            ForgetStaleSpeculation();
        }
    }

    /// <summary>The last speculative model holds its base compilation: not once that base is no longer kept.</summary>
    private void ForgetStaleSpeculation()
    {
        if (_lastSpeculative is { } last && !_models.Values.Any(m => ReferenceEquals(m.BaseModel, last.Model.BaseModel))) _lastSpeculative = null;
    }

    /// <summary>Models kept (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_modelsGate) return _models.Count;
        }
    }

    /// <summary>
    /// True when the snapshot differs from the base snapshot in this document's text only: then every declaration
    /// of every other file is as the base compilation has it. The same file in other projects (a multi-targeted
    /// project is one project per target framework, each with its own copy of the document) gets the same text with
    /// every edit: those copies may change too.
    /// </summary>
    internal static bool OnlyThisDocumentChanged(Document document, Solution baseSolution)
    {
        var solution = document.Project.Solution;
        if (solution == baseSolution) return true;
        if (solution.Id != baseSolution.Id) return false;
        var changes = solution.GetChanges(baseSolution);
        if (changes.GetAddedProjects().Any() || changes.GetRemovedProjects().Any()) return false;
        foreach (var project in changes.GetProjectChanges())
        {
            if (project.GetAddedDocuments().Any() || project.GetRemovedDocuments().Any() ||
                project.GetAddedAdditionalDocuments().Any() || project.GetRemovedAdditionalDocuments().Any() || project.GetChangedAdditionalDocuments().Any() ||
                project.GetAddedAnalyzerConfigDocuments().Any() || project.GetRemovedAnalyzerConfigDocuments().Any() || project.GetChangedAnalyzerConfigDocuments().Any() ||
                project.GetAddedProjectReferences().Any() || project.GetRemovedProjectReferences().Any() ||
                project.GetAddedMetadataReferences().Any() || project.GetRemovedMetadataReferences().Any() ||
                project.OldProject.CompilationOptions != project.NewProject.CompilationOptions || project.OldProject.ParseOptions != project.NewProject.ParseOptions)
                return false;
            foreach (var id in project.GetChangedDocuments())
            {
                if (id == document.Id) continue;
                if (document.FilePath is null || !string.Equals(project.NewProject.GetDocument(id)?.FilePath, document.FilePath, StringComparison.Ordinal))
                    return false;
            }
        }
        return true;
    }

    /// <summary>Benchmark hook: why a request could not reuse the earlier model.</summary>
    public static Action<string>? ReuseObserver { get; set; }

    public SpeculativeModel? TryReuse(Document document, SourceText text, CompilationUnitSyntax root, int offset)
    {
        ReusableModel? reusable;
        lock (_modelsGate) _models.TryGetValue(document.Id, out reusable);
        if (reusable is null || ReferenceEquals(reusable.BaseText, text)) return null; // same text: the full model is cached anyway
        if (!OnlyThisDocumentChanged(document, reusable.BaseSolution))
        {
            ReuseObserver?.Invoke("other documents changed");
            return null;
        }

        var token = offset > 0 ? root.FindToken(offset - 1) : root.FindToken(0);
        var member = token.Parent?.AncestorsAndSelf().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or BasePropertyDeclarationSyntax or BaseTypeDeclarationSyntax);
        SyntaxNode? body = member switch
        {
            BaseMethodDeclarationSyntax method => (SyntaxNode?)method.Body ?? method.ExpressionBody,
            AccessorDeclarationSyntax accessor => (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody,
            PropertyDeclarationSyntax property => property.ExpressionBody,
            IndexerDeclarationSyntax indexer => indexer.ExpressionBody,
            _ => null,
        };
        if (body is null || !body.Span.Contains(offset) && body.Span.End != offset)
        {
            ReuseObserver?.Invoke($"caret not in a body ({member?.Kind().ToString() ?? "top level"})");
            return null;
        }

        // Every change since the base text must lie inside this body.
        var changes = text.GetChangeRanges(reusable.BaseText);
        if (changes.Count == 0) return null;
        var delta = changes.Sum(c => c.NewLength - c.Span.Length);
        var oldBodyEnd = body.Span.End - delta;
        if (changes[0].Span.Start <= body.SpanStart || changes[^1].Span.End >= oldBodyEnd)
        {
            ReuseObserver?.Invoke("edit reaches outside the body");
            return null;
        }
        if (oldBodyEnd > reusable.BaseText.Length) return null;
        lock (_modelsGate)
        {
            if (_lastSpeculative is { } last && ReferenceEquals(last.Text, text) && last.Body == body.Span && ReferenceEquals(last.Model.BaseModel, reusable.BaseModel))
            {
                Interlocked.Increment(ref _reusedModels);
                return last.Model;
            }
        }

        SemanticModel? ok = null;
        try
        {
            var baseModel = reusable.BaseModel;
            ok = (member, body) switch
            {
                (_, ArrowExpressionClauseSyntax arrow) => baseModel.TryGetSpeculativeSemanticModel(body.SpanStart, arrow, out var speculative) ? speculative : null,
                (BaseMethodDeclarationSyntax method, BlockSyntax) => baseModel.TryGetSpeculativeSemanticModelForMethodBody(body.SpanStart, method, out var speculative) ? speculative : null,
                (AccessorDeclarationSyntax accessor, BlockSyntax) => baseModel.TryGetSpeculativeSemanticModelForMethodBody(body.SpanStart, accessor, out var speculative) ? speculative : null,
                _ => null,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException)
        {
            // The earlier tree has no matching body at that position (edits elsewhere moved it): bind afresh.
            ok = null;
        }
        if (ok is null) return null;
        Interlocked.Increment(ref _reusedModels);
        var speculation = new SpeculativeModel(ok, body.Span, oldBodyEnd, delta, reusable.BaseModel, reusable.BaseText,
            TextSpan.FromBounds(changes[0].Span.Start, changes[^1].Span.End));
        lock (_modelsGate) _lastSpeculative = (text, body.Span, speculation);
        return speculation;
    }}
