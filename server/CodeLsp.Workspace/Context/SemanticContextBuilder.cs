using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using CodeLsp.Workspace.Context.Collectors;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Builds the ranked context for one caret: what the compiler knows that the model needs for the next tokens
/// (see docs/context.md for the facts, their scores and how the budget is used). It asks one document's semantic
/// model about the code around the caret only: no diagnostics, no whole-compilation walks, so a request after an
/// edit costs one incremental parse plus the binding of the enclosing member.
/// </summary>
public sealed class SemanticContextBuilder
{
    /// <summary>Benchmark hook: called after each collection phase with its wall time.</summary>
    internal static Action<string, TimeSpan>? PhaseObserver { get; set; }

    private readonly Func<IReadOnlyList<RecentDocument>>? _recentDocuments;
    private readonly SimilarSnippetProvider _snippets = new();
    private readonly SemanticModelCache _models = new();
    private readonly UsageIndex _usage = new();

    /// <summary>
    /// Indexes how often the solution names each member and type (one pass over every syntax tree; later requests
    /// only recount the files that changed). Call after loading; otherwise the first request pays for it.
    /// </summary>
    public void IndexUsage(Solution solution, CancellationToken ct) => _usage.Update(solution, ct);

    /// <summary>Uses of a name in the solution's code, as the usage index counts them (for tests).</summary>
    internal int UsesOf(string name) => _usage.Count(name);

    /// <param name="recentDocuments">Open and recently edited documents, for the similar-snippet fallback.</param>
    public SemanticContextBuilder(Func<IReadOnlyList<RecentDocument>>? recentDocuments = null)
    {
        _recentDocuments = recentDocuments;
    }

    public Task<PromptContext> BuildAsync(Document document, int offset, ContextBudget budget, CancellationToken ct) =>
        BuildAsync(document, offset, budget, ContextRequest.Default, ct);

    public async Task<PromptContext> BuildAsync(Document document, int offset, ContextBudget budget, ContextRequest request, CancellationToken ct)
    {
        var items = await CollectAsync(document, offset, request, ct).ConfigureAwait(false);
        return ContextPacker.Pack(items, budget);
    }

    /// <summary>
    /// The semantic model the context reads at <paramref name="offset"/>: while only the body around it changed since
    /// the last full model, a speculative one binding that body against the earlier compilation (shared with the
    /// context built for the same text), else the document's full model without nullable analysis. Other questions
    /// about the caret (the identifier list for constrained decoding) use it so that a keystroke pays for one binding
    /// of the edited body, not for a new compilation's declarations. Null for documents without semantics.
    /// </summary>
    public Task<SemanticModel?> GetModelAsync(Document document, int offset, CancellationToken ct) => GetModelAsync(document, offset, remember: true, ct);

    /// <param name="remember">False for a text nobody will edit (the typing warm-up's): a full model is made, not kept.</param>
    private async Task<SemanticModel?> GetModelAsync(Document document, int offset, bool remember, CancellationToken ct)
    {
        if (!document.SupportsSemanticModel || await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not CompilationUnitSyntax root) return null;
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        return _models.TryReuse(document, text, root, Math.Clamp(offset, 0, text.Length))?.Model ??
            await _models.GetFullModelAsync(document, text, ct, remember).ConfigureAwait(false);
    }

    /// <summary>The document's full semantic model without nullable analysis (cached for its latest text).</summary>
    public async Task<SemanticModel?> GetFullModelAsync(Document document, CancellationToken ct) =>
        document.SupportsSemanticModel ? await _models.GetFullModelAsync(document, await document.GetTextAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false) : null;

    /// <summary>
    /// Warms what the first keystrokes in a freshly opened document run, which the builds at its unedited sites do
    /// not: at each offset (just after a '.' or a '(' of the document) the line is cut there, as while it is being
    /// typed, and the context and the compiler's identifier list are asked of that text's speculative model (the
    /// binder's paths for an edited body and for incomplete code are compiled on first use: 5–10 ms each at the
    /// session's first keystrokes); then once with <c>new </c> typed on a line of its own in the first block that
    /// holds an offset (the list of types that can be created in that scope: ~20 ms the first time). Nothing is kept
    /// (no model is cached for these texts, the usage index does not count them); stops when <paramref name="stop"/>
    /// says so (a request came).
    /// </summary>
    public async Task PrepareTypingAsync(Document document, IReadOnlyList<int> offsets, Func<bool> stop, CancellationToken ct)
    {
        if (!document.SupportsSemanticModel || await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not { } root) return;
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        foreach (var (change, offset) in TypingEdits(text, root, offsets).ToList())
        {
            if (stop()) return;
            var typing = document.WithText(text.WithChanges(change));
            await CollectAsync(typing, offset, ContextRequest.Default, warmingUp: true, ct).ConfigureAwait(false);
            if (await typing.GetSyntaxRootAsync(ct).ConfigureAwait(false) is { } typedRoot && Constraints.IdentifierSite.Find(typedRoot, offset) is { } site &&
                await GetModelAsync(typing, offset, remember: false, ct).ConfigureAwait(false) is { } model)
            {
                try
                {
                    await Constraints.AllowedIdentifierLookup.LookupAsync(model, site, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Warming only: the request path falls back to the full model on its own.
                }
            }
        }
    }

    /// <summary>The edits <see cref="PrepareTypingAsync"/> makes, each with the caret after it.</summary>
    internal static IEnumerable<(TextChange Change, int Offset)> TypingEdits(SourceText text, SyntaxNode root, IReadOnlyList<int> offsets)
    {
        var valid = offsets.Where(o => o > 0 && o <= text.Length).ToList();
        foreach (var offset in valid)
            yield return (new TextChange(TextSpan.FromBounds(offset, text.Lines.GetLineFromPosition(offset).End), ""), offset);
        // "new " on a line of its own before the statement of a block that holds a site, else before the document's
        // first statement in a block: the list it warms is the same in every method of a type without type parameters.
        var statement = valid.Select(o => root.FindToken(o - 1).Parent?.FirstAncestorOrSelf<StatementSyntax>(s => s.Parent is BlockSyntax))
            .FirstOrDefault(s => s is not null) ?? root.DescendantNodes().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax);
        if (statement is null) yield break;
        var line = text.Lines.GetLineFromPosition(statement.SpanStart);
        const string creation = "_ = new ";
        var indent = text.ToString(TextSpan.FromBounds(line.Start, statement.SpanStart));
        yield return (new TextChange(new TextSpan(statement.SpanStart, 0), creation + "\n" + indent), statement.SpanStart + creation.Length);
    }

    /// <summary>How many requests were answered from a reused model (for tests and the benchmark).</summary>
    internal int ReusedModels => _models.ReusedModels;

    /// <summary>Semantic models kept for reuse (for tests).</summary>
    internal int CachedModels => _models.Count;

    /// <summary>The document at <paramref name="path"/> was closed: let go of its cached semantic model (and the compilation it holds).</summary>
    public void DocumentClosed(string path) => _models.Forget(path);

    /// <summary>Benchmark hook: why a request could not reuse the earlier model.</summary>
    internal static Action<string>? ReuseObserver
    {
        get => SemanticModelCache.ReuseObserver;
        set => SemanticModelCache.ReuseObserver = value;
    }

    /// <summary>Every candidate item, unpacked.</summary>
    public Task<IReadOnlyList<ContextItem>> CollectAsync(Document document, int offset, ContextRequest request, CancellationToken ct) =>
        CollectAsync(document, offset, request, warmingUp: false, ct);

    /// <param name="warmingUp">A text nobody edits (the typing warm-up's): the usage index and the cached models are
    /// left as they are, so the user's next keystroke still finds its document's own model to reuse.</param>
    private async Task<IReadOnlyList<ContextItem>> CollectAsync(Document document, int offset, ContextRequest request, bool warmingUp, CancellationToken ct)
    {
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        offset = Math.Clamp(offset, 0, text.Length);
        var items = new ContextItemList();
        var phases = PhaseObserver;
        var clock = phases is null ? null : Stopwatch.StartNew();
        void Phase(string name)
        {
            if (clock is null) return;
            phases!(name, clock.Elapsed);
            clock.Restart();
        }
        if (document.SupportsSemanticModel &&
            await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is CompilationUnitSyntax root)
        {
            Phase("parse");
            if (!warmingUp) _usage.Update(document.Project.Solution, ct);
            Phase("usage index");
            var visible = request.ResolveVisibleSpan(text, offset);
            var reuse = _models.TryReuse(document, text, root, offset);
            if (reuse is not null)
            {
                Phase("semantic model (reused)");
                try
                {
                    Collect(new ContextSite(document, text, root, reuse.Model, offset, visible, ct) { Speculation = reuse, Usage = _usage }, items, Phase);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A lookup reached outside the speculatively bound member: answer from a full model instead.
                    items = new ContextItemList();
                    reuse = null;
                }
            }
            if (reuse is null && await _models.GetFullModelAsync(document, text, ct, remember: !warmingUp).ConfigureAwait(false) is { } model)
            {
                Phase("semantic model");
                Collect(new ContextSite(document, text, root, model, offset, visible, ct) { Usage = _usage }, items, Phase);
            }
        }
        if (_recentDocuments?.Invoke() is { Count: > 0 } recent)
        {
            var atStatementStart = !items.ToList().Any(i => i.Kind is ContextItemKinds.ReceiverMember or ContextItemKinds.Overload);
            var (floor, scale) = atStatementStart ? (ContextScores.StatementStartSnippetFloor, ContextScores.StatementStartSnippetScale) : (0.0, ContextScores.SimilarSnippetScale);
            foreach (var snippet in _snippets.Find(text, offset, recent, document.FilePath, scale, floor))
                items.Add(snippet);
            Phase("snippets");
        }
        return items.ToList();
    }

    /// <summary>The collectors, in order: each adds its items; the packer ranks them all together.</summary>
    private static void Collect(ContextSite site, ContextItemList items, Action<string> phase)
    {
        var afterDot = Guarded(site, () => ReceiverMemberCollector.AddReceiverMembers(site, items, phase));
        phase("receiver members: chained");
        Guarded(site, () => OverloadCollector.AddOverloads(site, items, afterDot ? ContextScores.OverloadAfterDot : ContextScores.Overload));
        phase("overloads");
        Guarded(site, () => ExpectedTypeCollector.AddExpectedTypeMembers(site, items));
        phase("expected type");
        Guarded(site, () => EnclosingMemberCollector.AddEnclosingMember(site, items));
        Guarded(site, () => LocalsCollector.AddLocals(site, items));
        phase("locals");
        var statementStart = !afterDot && !items.ToList().Any(i => i.Kind == ContextItemKinds.Overload);
        Guarded(site, () => ReferencedSymbolCollector.AddReferencedAndScopeTypes(site, items, phase, statementStart));
        phase("scope types");
        Guarded(site, () => TypeOutlineCollector.AddEnclosingTypeOutline(site, items));
        Guarded(site, () => UsingsCollector.AddUsings(site, items));
        phase("outline + usings");
    }

    /// <summary>
    /// One collector failing on code the compiler APIs did not expect costs its items, not the request. With a
    /// reused model the failure is rethrown: the request is then answered from a full model.
    /// </summary>
    private static bool Guarded(ContextSite site, Func<bool> collector)
    {
        site.CancellationToken.ThrowIfCancellationRequested();
        try
        {
            return collector();
        }
        catch (Exception e) when (e is not OperationCanceledException && site.Speculation is null)
        {
            Trace.TraceWarning($"Context collector failed: {e}");
            return false;
        }
    }

    private static void Guarded(ContextSite site, Action collector) => Guarded(site, () =>
    {
        collector();
        return false;
    });
}
