using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>A site a rule found: a span of a document of the solution after the edit.</summary>
internal sealed record Site(Document Document, TextSpan Span);

/// <summary>An edit a rule proposes, before the compile gate. <see cref="Scope"/> is the member (or type) whose diagnostics the gate compares.</summary>
internal sealed record ProposedEdit(
    Document Document,
    TextSpan Span,
    string NewText,
    string Title,
    string Reason,
    NextEditSource Source,
    Diagnostic? SiteDiagnostic,
    TextSpan Scope);

/// <summary>
/// What one analysis shares between its rules: the solutions before and after, the per-document diffs that map
/// positions between them, cached diagnostics per scope, and the collected proposals and explanations.
/// </summary>
internal sealed class NextEditContext(Solution before, Solution after, IReadOnlyDictionary<DocumentId, DocumentDiff> diffs)
{
    private readonly ConcurrentDictionary<(DocumentId, TextSpan, bool), Lazy<Task<ImmutableArray<Diagnostic>>>> _diagnostics = new();

    public Solution Before { get; } = before;
    public Solution After { get; } = after;
    public IReadOnlyDictionary<DocumentId, DocumentDiff> Diffs { get; } = diffs;
    public List<ProposedEdit> Proposed { get; } = [];
    public List<PendingModelEdit> ModelSites { get; } = [];
    public List<ExplainedSite> Explained { get; } = [];

    /// <summary>Time spent finding references in the baseline and computing scope diagnostics after / before the edit (Stopwatch ticks), for the benchmark's phases.</summary>
    private long _referenceTicks, _afterTicks, _beforeTicks;

    public double ReferencesMs => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _referenceTicks)).TotalMilliseconds;
    public double DiagnosticsAfterMs => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _afterTicks)).TotalMilliseconds;
    public double DiagnosticsBeforeMs => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _beforeTicks)).TotalMilliseconds;

    public bool TryMapToAfter(DocumentId id, TextSpan span, out TextSpan mapped)
    {
        if (Diffs.TryGetValue(id, out var diff)) return diff.TryMapToAfter(span, out mapped);
        mapped = span;
        return true;
    }

    public bool TryMapToBefore(DocumentId id, TextSpan span, out TextSpan mapped)
    {
        if (Diffs.TryGetValue(id, out var diff)) return diff.TryMapToBefore(span, out mapped);
        mapped = span;
        return true;
    }

    /// <summary>
    /// Where the symbol (of the solution before) was referenced, mapped into the solution after. References inside
    /// a region the user edited are skipped: that is the user's own edit, or a site they already fixed.
    /// </summary>
    public async Task<IReadOnlyList<Site>> ReferenceSitesAsync(ISymbol beforeSymbol, CancellationToken ct)
    {
        var sites = new List<Site>();
        var started = Stopwatch.GetTimestamp();
        var groups = await SymbolFinder.FindReferencesAsync(beforeSymbol, Before, SearchScope(beforeSymbol), ct).ConfigureAwait(false);
        Interlocked.Add(ref _referenceTicks, Stopwatch.GetTimestamp() - started);
        foreach (var group in groups)
        {
            if (!SymbolEqualityComparer.Default.Equals(group.Definition.OriginalDefinition, beforeSymbol.OriginalDefinition)) continue;
            foreach (var location in group.Locations)
            {
                if (location.IsImplicit || !location.Location.IsInSource) continue;
                var id = location.Document.Id;
                if (After.GetDocument(id) is not { } document) continue;
                if (TryMapToAfter(id, location.Location.SourceSpan, out var mapped)) sites.Add(new Site(document, mapped));
            }
        }
        var ordered = sites
            .DistinctBy(s => (s.Document.Id, s.Span))
            .OrderBy(s => s.Document.FilePath, StringComparer.Ordinal).ThenBy(s => s.Span.Start)
            .ToList();
        Prefetch(ordered, ct);
        return ordered;
    }

    /// <summary>
    /// The documents that can reference the symbol when the language confines it: a local's own document; for a
    /// private member (or a parameter of one), the documents of its outermost containing type. Null: the whole solution.
    /// </summary>
    private IImmutableSet<Document>? SearchScope(ISymbol symbol)
    {
        var owner = symbol switch
        {
            ILocalSymbol or ILabelSymbol or IRangeVariableSymbol => symbol,
            IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } } => symbol,
            IParameterSymbol { ContainingSymbol: { DeclaredAccessibility: Accessibility.Private, ContainingType: { } type } } => Outermost(type),
            { DeclaredAccessibility: Accessibility.Private, ContainingType: { } type } => Outermost(type),
            _ => null,
        };
        if (owner is null || owner.DeclaringSyntaxReferences.IsEmpty) return null;
        var documents = ImmutableHashSet.CreateBuilder<Document>();
        foreach (var reference in owner.DeclaringSyntaxReferences)
        {
            if (Before.GetDocument(reference.SyntaxTree) is not { } document) return null;
            documents.Add(document);
        }
        return documents.ToImmutable();

        static INamedTypeSymbol Outermost(INamedTypeSymbol type)
        {
            while (type.ContainingType is { } outer) type = outer;
            return type;
        }
    }

    /// <summary>Errors (and the switch-exhaustiveness warning) of a scope in a document of the solution after (or before).</summary>
    public async Task<ImmutableArray<Diagnostic>> ScopeDiagnosticsAsync(Document document, TextSpan scope, bool isBefore, CancellationToken ct)
    {
        var computed = _diagnostics.GetOrAdd((document.Id, scope, isBefore),
            _ => new Lazy<Task<ImmutableArray<Diagnostic>>>(() => ComputeScopeDiagnosticsAsync(document, scope, isBefore, ct)));
        return await computed.Value.ConfigureAwait(false);
    }

    private async Task<ImmutableArray<Diagnostic>> ComputeScopeDiagnosticsAsync(Document document, TextSpan scope, bool isBefore, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        var result = model is null ? [] : model.GetDiagnostics(scope, ct).Where(NextEditGate.Counts).ToImmutableArray();
        Interlocked.Add(ref isBefore ? ref _beforeTicks : ref _afterTicks, Stopwatch.GetTimestamp() - started);
        return result;
    }

    /// <summary>
    /// Starts computing, one task per document and in parallel, the scope diagnostics (after and before the edit) that
    /// the rules will ask for at these sites one by one: binding a document of another project against the edited
    /// project's new compilation is the cost of an analysis, and the documents do not depend on each other.
    /// </summary>
    private void Prefetch(IReadOnlyList<Site> sites, CancellationToken ct)
    {
        foreach (var group in sites.GroupBy(s => s.Document.Id))
        {
            var work = Task.Run(async () =>
            {
                var document = group.First().Document;
                var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                var old = Before.GetDocument(document.Id);
                var oldRoot = old is null ? null : await old.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                foreach (var site in group)
                {
                    if (root is not null) await ScopeDiagnosticsAsync(document, NextEditSyntax.ScopeOf(root, site.Span), isBefore: false, ct).ConfigureAwait(false);
                    if (oldRoot is not null && TryMapToBefore(document.Id, site.Span, out var oldSpan))
                    {
                        await ScopeDiagnosticsAsync(old!, NextEditSyntax.ScopeOf(oldRoot, oldSpan), isBefore: true, ct).ConfigureAwait(false);
                    }
                }
            }, ct);
            // A prefetch nobody waits for (the analysis was cancelled or a rule skipped the site) must not surface as an unobserved exception.
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Diagnostics at <paramref name="span"/> (of the solution after) that the edit introduced: present now, absent at
    /// the same place before. The first is the site's diagnostic.
    /// </summary>
    public async Task<IReadOnlyList<Diagnostic>> NewDiagnosticsAtAsync(Document document, TextSpan span, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null) return [];
        var scope = NextEditSyntax.ScopeOf(root, span);
        var now = (await ScopeDiagnosticsAsync(document, scope, isBefore: false, ct).ConfigureAwait(false))
            .Where(d => d.Location.SourceSpan.IntersectsWith(span) || d.Location.SourceSpan == span).ToList();
        if (now.Count == 0) return [];
        if (Before.GetDocument(document.Id) is not { } old || !TryMapToBefore(document.Id, span, out var oldSpan)) return now;
        var oldRoot = await old.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (oldRoot is null) return now;
        var oldScope = NextEditSyntax.ScopeOf(oldRoot, oldSpan);
        var then = (await ScopeDiagnosticsAsync(old, oldScope, isBefore: true, ct).ConfigureAwait(false))
            .Where(d => d.Location.SourceSpan.IntersectsWith(oldSpan) || d.Location.SourceSpan == oldSpan)
            .Select(Key).ToHashSet();
        return now.Where(d => !then.Contains(Key(d))).ToList();
    }

    public void Explain(Document document, TextSpan span, string? diagnostic, string why)
    {
        var text = document.TryGetText(out var t) ? t : null;
        var range = text?.Lines.GetLinePositionSpan(span) ?? default;
        lock (Explained) Explained.Add(new ExplainedSite(document.FilePath ?? document.Name, range, diagnostic, why));
    }

    public void Propose(ProposedEdit edit)
    {
        lock (Proposed) Proposed.Add(edit);
    }

    public static string Key(Diagnostic d) => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture);
}

/// <summary>Syntax helpers shared by the rules.</summary>
internal static class NextEditSyntax
{
    /// <summary>The member whose diagnostics decide about an edit at <paramref name="span"/>: method, property, field, … or the type for members added to it.</summary>
    public static TextSpan ScopeOf(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var scope = node.AncestorsAndSelf().FirstOrDefault(n =>
            n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or BaseFieldDeclarationSyntax or GlobalStatementSyntax or BaseTypeDeclarationSyntax);
        return scope?.Span ?? root.FullSpan;
    }

    /// <summary>The node a reference names: <c>a.b.M</c> for <c>M</c>, so a call or cast wraps the whole expression.</summary>
    public static ExpressionSyntax? ReferencedExpression(SyntaxNode root, TextSpan span)
    {
        var node = root.FindNode(span, getInnermostNodeForTie: true);
        if (node is not SimpleNameSyntax name) return node as ExpressionSyntax;
        ExpressionSyntax current = name;
        while (current.Parent is MemberAccessExpressionSyntax access && access.Name == current
               || current.Parent is MemberBindingExpressionSyntax
               || current.Parent is QualifiedNameSyntax q && q.Right == current)
        {
            current = (ExpressionSyntax)current.Parent;
        }
        return current;
    }

    /// <summary>The call (invocation, <c>new</c>, constructor initializer) whose target the reference names, if any.</summary>
    public static (SyntaxNode Call, ArgumentListSyntax Arguments)? CallAt(SyntaxNode root, TextSpan span)
    {
        var target = ReferencedExpression(root, span);
        if (target is null) return null;
        if (target.Parent is InvocationExpressionSyntax invocation && invocation.Expression == target) return (invocation, invocation.ArgumentList);
        if (target.Parent is ObjectCreationExpressionSyntax { ArgumentList: { } args } creation && creation.Type == target) return (creation, args);
        if (root.FindToken(span.Start).Parent is ConstructorInitializerSyntax initializer) return (initializer, initializer.ArgumentList);
        return null;
    }

    /// <summary>The indentation (leading whitespace) of the line holding <paramref name="position"/>.</summary>
    public static string IndentationAt(SourceText text, int position)
    {
        var line = text.Lines.GetLineFromPosition(position);
        var i = line.Start;
        while (i < line.End && text[i] is ' ' or '\t') i++;
        return text.ToString(TextSpan.FromBounds(line.Start, i));
    }
}
