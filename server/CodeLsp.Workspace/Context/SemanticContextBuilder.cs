using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Builds the ranked context for one caret: what the compiler knows that the model needs for the next tokens
/// (see docs/context.md for the facts, their scores and how the budget is used). It asks one document's semantic
/// model about the code around the caret only: no diagnostics, no whole-compilation walks, so a request after an
/// edit costs one incremental parse plus the binding of the enclosing member.
/// </summary>
public sealed class SemanticContextBuilder
{
    /// <summary>Scores: one place, so the ranking is readable and documented (docs/context.md copies this table).</summary>
    internal static class Scores
    {
        public const double Overload = 1.00;
        public const double ReceiverMemberSource = 0.95;
        public const double ReceiverInheritedSource = 0.90;
        public const double ReceiverExtensionSource = 0.85;
        public const double ReceiverInheritedMetadata = 0.72;
        public const double ReceiverMemberMetadata = 0.78;
        public const double ReceiverExtensionMetadata = 0.45;
        public const double ChainedMember = 0.60;
        public const double OverloadAfterDot = 0.74;
        public const double TypedPrefixBonus = 0.10;
        public const double TypedPrefixMismatch = -0.35;
        public const double EnclosingMember = 0.92;
        public const double Locals = 0.88;
        public const double ReferencedSource = 0.80;
        public const double ReferencedMetadata = 0.40;
        public const double DistanceDecay = 0.15;
        public const double ScopeTypeMemberSource = 0.70;
        public const double ScopeTypeMemberMetadata = 0.20;
        public const double TypeOutline = 0.62;
        public const double Usings = 0.50;
        public const double SimilarSnippetScale = 0.45;
    }

    private const int MaxReceiverMembers = 60;
    private const int MaxMembersPerType = 24;
    private const int MaxOutlineMembers = 40;
    private const int MaxScopeTypes = 12;
    private const int MaxChainedTypes = 6;

    /// <summary>Benchmark hook: called after each collection phase with its wall time.</summary>
    internal static Action<string, TimeSpan>? PhaseObserver { get; set; }

    private readonly Func<IReadOnlyList<RecentDocument>>? _recentDocuments;
    private readonly SimilarSnippetProvider _snippets = new();

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

    /// <summary>Every candidate item, unpacked.</summary>
    public async Task<IReadOnlyList<ContextItem>> CollectAsync(Document document, int offset, ContextRequest request, CancellationToken ct)
    {
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        offset = Math.Clamp(offset, 0, text.Length);
        var items = new ItemList();
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
            var visible = request.ResolveVisibleSpan(text, offset);
            var reuse = await TryReuseModelAsync(document, text, root, offset, ct).ConfigureAwait(false);
            if (reuse is not null)
            {
                Phase("semantic model (reused)");
                try
                {
                    Collect(new Site(document, text, root, reuse.Model, offset, visible, ct) { Speculation = reuse }, items, Phase);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or NullReferenceException)
                {
                    // A lookup reached outside the speculatively bound member: answer from a full model instead.
                    items = new ItemList();
                    reuse = null;
                }
            }
            if (reuse is null && await document.GetSemanticModelAsync(ct).ConfigureAwait(false) is { } model)
            {
                await RememberModelAsync(document, text, model, ct).ConfigureAwait(false);
                Phase("semantic model");
                Collect(new Site(document, text, root, model, offset, visible, ct), items, Phase);
            }
        }
        if (_recentDocuments?.Invoke() is { Count: > 0 } recent)
        {
            foreach (var snippet in _snippets.Find(text, offset, recent, document.FilePath, Scores.SimilarSnippetScale))
                items.Add(snippet);
            Phase("snippets");
        }
        return items.ToList();
    }

    private static void Collect(Site site, ItemList items, Action<string> phase)
    {
        var afterDot = AddReceiverMembers(site, items);
        phase("receiver members");
        AddOverloads(site, items, afterDot ? Scores.OverloadAfterDot : Scores.Overload);
        phase("overloads");
        AddEnclosingMember(site, items);
        AddLocals(site, items);
        phase("locals");
        AddReferencedAndScopeTypes(site, items);
        phase("referenced + scope types");
        AddEnclosingTypeOutline(site, items);
        AddUsings(site, items);
        phase("outline + usings");
    }

    // ---- semantic model reuse ------------------------------------------------------------------------------------

    /// <summary>
    /// A full semantic model of an earlier version of a document, with the text it was built for and the project's
    /// dependent semantic version then. Typing inside a method body changes neither declarations nor that version,
    /// so the earlier compilation still describes everything outside the body; only the body needs binding again.
    /// </summary>
    private sealed record ReusableModel(SemanticModel BaseModel, SourceText BaseText, VersionStamp Version);

    /// <summary>A speculative model binding the edited member's new body against the earlier compilation.</summary>
    private sealed record Speculation(SemanticModel Model, TextSpan Body, int OldBodyEnd, int Delta)
    {
        /// <summary>A position in the earlier text, moved to where the same code is now.</summary>
        public int ToCurrent(int oldPosition) => oldPosition >= OldBodyEnd ? oldPosition + Delta : oldPosition;
    }

    /// <summary>How many requests were answered from a reused model (for tests and the benchmark).</summary>
    internal int ReusedModels => Volatile.Read(ref _reusedModels);

    private int _reusedModels;
    private readonly Lock _modelsGate = new();
    private readonly Dictionary<DocumentId, ReusableModel> _models = [];

    private async Task RememberModelAsync(Document document, SourceText text, SemanticModel model, CancellationToken ct)
    {
        var version = await document.Project.GetDependentSemanticVersionAsync(ct).ConfigureAwait(false);
        lock (_modelsGate)
        {
            _models[document.Id] = new ReusableModel(model, text, version);
            if (_models.Count > 64) _models.Remove(_models.Keys.First(k => k != document.Id));
        }
    }

    private async Task<Speculation?> TryReuseModelAsync(Document document, SourceText text, CompilationUnitSyntax root, int offset, CancellationToken ct)
    {
        ReusableModel? reusable;
        lock (_modelsGate) _models.TryGetValue(document.Id, out reusable);
        if (reusable is null || ReferenceEquals(reusable.BaseText, text)) return null; // same text: the full model is cached anyway
        var version = await document.Project.GetDependentSemanticVersionAsync(ct).ConfigureAwait(false);
        if (version != reusable.Version) return null;

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
        if (body is null || !body.Span.Contains(offset) && body.Span.End != offset) return null;

        // Every change since the base text must lie inside this body.
        var changes = text.GetChangeRanges(reusable.BaseText);
        if (changes.Count == 0) return null;
        var delta = changes.Sum(c => c.NewLength - c.Span.Length);
        var oldBodyEnd = body.Span.End - delta;
        if (changes[0].Span.Start <= body.SpanStart || changes[^1].Span.End >= oldBodyEnd) return null;
        if (oldBodyEnd > reusable.BaseText.Length) return null;

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
        if (ok is not null) Interlocked.Increment(ref _reusedModels);
        return ok is null ? null : new Speculation(ok, body.Span, oldBodyEnd, delta);
    }

    /// <summary>The caret and what is known about it, shared by the collectors.</summary>
    private sealed class Site(Document document, SourceText text, CompilationUnitSyntax root, SemanticModel model, int offset, TextSpan visible, CancellationToken ct)
    {
        public Document Document { get; } = document;
        public SourceText Text { get; } = text;
        public CompilationUnitSyntax Root { get; } = root;
        public SemanticModel Model { get; } = model;
        public int Offset { get; } = offset;
        public TextSpan Visible { get; } = visible;
        public CancellationToken CancellationToken { get; } = ct;

        /// <summary>Set when <see cref="Model"/> binds the edited member against an earlier compilation.</summary>
        public Speculation? Speculation { get; init; }

        /// <summary>The token the caret is in or right after (typing happens at the end of it).</summary>
        public SyntaxToken LeftToken { get; } = offset > 0 ? root.FindToken(offset - 1) : root.FindToken(0);

        public int CaretLine { get; } = text.Lines.GetLineFromPosition(offset).LineNumber;

        /// <summary>
        /// Where to ask the binder about scope: inside the token left of the caret. At the very end of an unfinished
        /// statement the caret is past every node's span, where only the outermost scope is visible.
        /// </summary>
        public int LookupPosition => Math.Max(0, Math.Min(Offset, LeftToken.Span.End - 1));

        public string? SolutionDirectory { get; } =
            document.Project.Solution.FilePath is { } sln ? Path.GetDirectoryName(sln) :
            document.Project.FilePath is { } proj ? Path.GetDirectoryName(Path.GetDirectoryName(proj)) : null;

        /// <summary>True when the declaration is already in the prompt: in this document, inside the visible window.</summary>
        public bool IsVisible(ISymbol symbol)
        {
            foreach (var location in symbol.Locations)
            {
                if (IsThisDocument(location) && Visible.Contains(Speculation?.ToCurrent(location.SourceSpan.Start) ?? location.SourceSpan.Start))
                    return true;
            }
            return false;
        }

        /// <summary>In this document; with a reused model, symbols point into the earlier tree of the same file.</summary>
        public bool IsThisDocument(Location location) =>
            location.IsInSource && (location.SourceTree == Root.SyntaxTree ||
                                    Speculation is not null && !string.IsNullOrEmpty(Document.FilePath) && location.SourceTree?.FilePath == Document.FilePath);

        public (string? File, TextSpan? Span) SourceOf(ISymbol symbol)
        {
            var location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
            if (location is null)
                return (symbol.ContainingAssembly?.Name is { } assembly ? $"[{assembly}]" : null, null);
            return (location.SourceTree?.FilePath, location.SourceSpan);
        }

        public string DisplayPath(string? file)
        {
            if (file is null) return "";
            if (file.StartsWith('[')) return file;
            if (SolutionDirectory is not null && file.StartsWith(SolutionDirectory, StringComparison.Ordinal))
                return Path.GetRelativePath(SolutionDirectory, file).Replace('\\', '/');
            return Path.GetFileName(file);
        }

        private readonly Dictionary<INamedTypeSymbol, string> _groups = new(SymbolEqualityComparer.Default);

        /// <summary>The symbol the caret is in (a method, property, or the type), for accessibility decisions.</summary>
        public ISymbol? EnclosingSymbol => _enclosing ??= Model.GetEnclosingSymbol(LookupPosition, CancellationToken);

        private ISymbol? _enclosing;

        /// <summary>The group header of a type: where it is declared, then its declaration header.</summary>
        public string GroupOf(INamedTypeSymbol type)
        {
            if (!_groups.TryGetValue(type, out var group)) _groups[type] = group = RenderGroup(type);
            return group;
        }

        private string RenderGroup(INamedTypeSymbol type)
        {
            var (file, _) = SourceOf(type);
            var header = SymbolSignatures.TypeHeader(type.OriginalDefinition);
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
                header = $"{SymbolSignatures.TypeHeader(outer.OriginalDefinition)} {{ {header}";
            return $"{DisplayPath(file)}\n{header}";
        }

        public double Decay(ISymbol symbol, int referenceLine)
        {
            var distance = Math.Abs(referenceLine - CaretLine);
            return Scores.DistanceDecay * Math.Min(1.0, distance / 60.0);
        }
    }

    /// <summary>Items with deduplication: one symbol (or text) once, at its best score.</summary>
    private sealed class ItemList
    {
        private readonly List<ContextItem> _items = [];
        private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);

        public void Add(ContextItem item, string? key = null)
        {
            key ??= item.Kind + "\u0000" + item.Text;
            if (_byKey.TryGetValue(key, out var index))
            {
                if (_items[index].Score >= item.Score) return;
                _items[index] = item with { Sequence = _items[index].Sequence };
                return;
            }
            _byKey[key] = _items.Count;
            _items.Add(item with { Sequence = _items.Count + 1 });
        }

        public bool Contains(string key) => _byKey.ContainsKey(key);

        public List<ContextItem> ToList() => _items;
    }

    private static string KeyOf(ISymbol symbol) =>
        "sym\u0000" + SymbolSignatures.Member(symbol) + "\u0000" + (symbol.ContainingType is { } type ? SymbolSignatures.TypeHeader(type) : "");

    private static void AddMember(Site site, ItemList items, string kind, ISymbol member, double score, string why)
    {
        // Constructed members render with their type arguments (List<int>.Add(int item)); the definition says where it lives.
        var definition = member is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : member.OriginalDefinition;
        var shown = member is IMethodSymbol { ReducedFrom: not null } ? definition : member;
        if (site.IsVisible(definition)) return;
        var (file, span) = site.SourceOf(definition);
        var group = shown.ContainingType is { } type ? site.GroupOf(type) : null;
        // The model has read the framework's docs; a summary earns its tokens only for the solution's own members.
        var text = IsFromSource(definition) ? SymbolSignatures.MemberWithSummary(shown) : SymbolSignatures.Member(shown);
        items.Add(new ContextItem(kind, text, file, span, why, Math.Round(score, 4), false) { Group = group }, KeyOf(shown));
    }

    private static bool IsFromSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);

    // ---- after `expr.`: the receiver's members ------------------------------------------------------------------

    /// <returns>Whether the caret is after a member access dot.</returns>
    private static bool AddReceiverMembers(Site site, ItemList items)
    {
        var token = site.LeftToken;
        var typedPrefix = "";
        if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.End == site.Offset)
        {
            typedPrefix = token.ValueText;
            token = token.GetPreviousToken();
        }
        if (!token.IsKind(SyntaxKind.DotToken) && !token.IsKind(SyntaxKind.MinusGreaterThanToken)) return false;
        var receiver = token.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            QualifiedNameSyntax qualified => qualified.Left,
            MemberBindingExpressionSyntax binding => binding.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
            _ => null,
        };
        if (receiver is null) return false;
        var model = site.Model;
        var ct = site.CancellationToken;
        var receiverSymbol = model.GetSymbolInfo(receiver, ct).Symbol;
        ITypeSymbol? speculativeType = null;
        if (receiverSymbol is null && receiver is NameSyntax && receiver.Parent is QualifiedNameSyntax)
        {
            // `order.` followed by `var x = 1;` parses as the declaration `order.var x = 1;`: the receiver sits in a
            // type position where it cannot bind. Bind its text as an expression at the same place instead.
            var asExpression = SyntaxFactory.ParseExpression(receiver.ToString());
            receiverSymbol = model.GetSpeculativeSymbolInfo(receiver.SpanStart, asExpression, SpeculativeBindingOption.BindAsExpression).Symbol;
            speculativeType = model.GetSpeculativeTypeInfo(receiver.SpanStart, asExpression, SpeculativeBindingOption.BindAsExpression).Type;
        }
        ITypeSymbol? type;
        bool isStatic;
        if (receiverSymbol is INamespaceSymbol ns)
        {
            foreach (var member in ns.GetTypeMembers().Take(MaxReceiverMembers))
            {
                if (!model.IsAccessible(site.Offset, member)) continue;
                AddMember(site, items, ContextItemKinds.ReceiverMember, member, (IsFromSource(member) ? Scores.ReceiverMemberSource : Scores.ReceiverMemberMetadata) + PrefixScore(member.Name, typedPrefix),
                    $"a type in namespace {ns.ToDisplayString()}, after '{receiver}.'");
            }
            return true;
        }
        if (receiverSymbol is INamedTypeSymbol named && receiver is not InvocationExpressionSyntax && (speculativeType is null || IsTypeName(receiver, model, ct)))
        {
            type = named;
            isStatic = true;
        }
        else
        {
            type = speculativeType ?? model.GetTypeInfo(receiver, ct).Type;
            isStatic = false;
        }
        if (type is null or IErrorTypeSymbol) return true;

        var typeName = type.ToDisplayString(SymbolSignatures.TypeFormat);
        var ranked = new List<(ISymbol Member, double Score, string Why)>();
        foreach (var (member, inherited) in MemberLookup.Members(type))
        {
            if (member is INamedTypeSymbol ? !isStatic : member.IsStatic != isStatic) continue;
            if (!model.IsAccessible(site.Offset, member)) continue;
            var fromSource = IsFromSource(member);
            var score = inherited
                ? (fromSource ? Scores.ReceiverInheritedSource : Scores.ReceiverInheritedMetadata)
                : (fromSource ? Scores.ReceiverMemberSource : Scores.ReceiverMemberMetadata);
            var why = inherited
                ? $"member of {typeName} inherited from {member.ContainingType?.ToDisplayString(SymbolSignatures.TypeFormat)}, after '{receiver}.'"
                : $"member of {typeName}, the type of '{receiver}'";
            ranked.Add((member, score + PrefixScore(member.Name, typedPrefix), why));
        }
        if (!isStatic)
        {
            foreach (var (reduced, fromSource) in MemberLookup.ExtensionMethods(model, site.LookupPosition, type))
            {
                ranked.Add((reduced, (fromSource ? Scores.ReceiverExtensionSource : Scores.ReceiverExtensionMetadata) + PrefixScore(reduced.Name, typedPrefix),
                    $"extension method in scope for {typeName}, after '{receiver}.'"));
            }
        }
        var chained = 0;
        foreach (var (member, score, why) in ranked.OrderByDescending(r => r.Score).Take(MaxReceiverMembers))
        {
            AddMember(site, items, ContextItemKinds.ReceiverMember, member, score, why);
            // One step further: `services.Customers.` is often what comes next, so the members of the receiver's
            // source-declared properties and fields come along, below the receiver's own.
            if (chained < MaxChainedTypes && member is IPropertySymbol or IFieldSymbol && IsFromSource(member) &&
                (member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type) is INamedTypeSymbol { TypeKind: not TypeKind.Enum } memberType &&
                IsFromSource(memberType) && !SymbolEqualityComparer.Default.Equals(memberType, type))
            {
                chained++;
                var index = 0;
                foreach (var (next, _) in MemberLookup.Members(memberType))
                {
                    if (next.IsStatic || next is INamedTypeSymbol || !model.IsAccessible(site.Offset, next)) continue;
                    AddMember(site, items, ContextItemKinds.ReceiverMember, next, Scores.ChainedMember - 0.002 * index,
                        $"member of {memberType.Name}, the type of {receiver}.{member.Name}");
                    if (++index == MaxMembersPerType) break;
                }
            }
        }
        return true;
    }

    private static bool IsTypeName(ExpressionSyntax receiver, SemanticModel model, CancellationToken ct)
    {
        // `Color.Red` where Color is both a property and a type: the binder knows which one it meant.
        var info = model.GetTypeInfo(receiver, ct);
        return info.Type is null || model.GetSymbolInfo(receiver, ct).Symbol is INamedTypeSymbol;
    }

    private static double PrefixScore(string name, string typedPrefix)
    {
        if (typedPrefix.Length == 0) return 0;
        if (name.StartsWith(typedPrefix, StringComparison.Ordinal)) return Scores.TypedPrefixBonus;
        if (name.StartsWith(typedPrefix, StringComparison.OrdinalIgnoreCase)) return Scores.TypedPrefixBonus / 2;
        return name.Contains(typedPrefix, StringComparison.OrdinalIgnoreCase) ? 0 : Scores.TypedPrefixMismatch;
    }

    // ---- inside a call's argument list: the overloads --------------------------------------------------------------

    private static void AddOverloads(Site site, ItemList items, double topScore)
    {
        var model = site.Model;
        var ct = site.CancellationToken;
        for (var node = site.LeftToken.Parent; node is not null and not StatementSyntax and not MemberDeclarationSyntax; node = node.Parent)
        {
            if (node is not BaseArgumentListSyntax arguments) continue;
            var (open, close) = arguments switch
            {
                ArgumentListSyntax a => (a.OpenParenToken, a.CloseParenToken),
                BracketedArgumentListSyntax b => (b.OpenBracketToken, b.CloseBracketToken),
                _ => default,
            };
            if (site.Offset <= open.SpanStart || (!close.IsMissing && site.Offset > close.SpanStart)) continue;
            IEnumerable<ISymbol> overloads;
            ISymbol? chosen;
            string callee;
            switch (arguments.Parent)
            {
                case InvocationExpressionSyntax invocation:
                    overloads = model.GetMemberGroup(invocation.Expression, ct);
                    var info = model.GetSymbolInfo(invocation, ct);
                    chosen = info.Symbol;
                    if (!overloads.Any()) overloads = info.CandidateSymbols;
                    callee = invocation.Expression.ToString();
                    break;
                case BaseObjectCreationExpressionSyntax creation:
                    var created = model.GetTypeInfo(creation, ct).Type as INamedTypeSymbol;
                    overloads = created?.InstanceConstructors.Where(c => model.IsAccessible(site.Offset, c)) ?? [];
                    chosen = model.GetSymbolInfo(creation, ct).Symbol;
                    callee = creation is ObjectCreationExpressionSyntax o ? $"new {o.Type}" : $"new {created?.Name}";
                    break;
                case ElementAccessExpressionSyntax element:
                    overloads = model.GetIndexerGroup(element.Expression, ct);
                    chosen = model.GetSymbolInfo(element, ct).Symbol;
                    callee = element.Expression.ToString() + "[]";
                    break;
                default:
                    continue;
            }
            var index = 0;
            foreach (var overload in overloads.Take(12))
            {
                var isChosen = SymbolEqualityComparer.Default.Equals(overload, chosen);
                var definition = overload is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : overload.OriginalDefinition;
                var (file, span) = site.SourceOf(definition);
                var group = definition.ContainingType is { } type ? site.GroupOf(type) : null;
                var why = $"{(isChosen ? "the overload that binds" : "an overload")} of {callee}(...), whose arguments are being typed";
                items.Add(new ContextItem(ContextItemKinds.Overload, SymbolSignatures.MemberWithSummary(definition), file, span, why,
                    topScore - 0.01 * index++ + (isChosen ? 0.005 : 0), false) { Group = group }, KeyOf(definition));
            }
            return; // the innermost call only
        }
    }

    // ---- the enclosing member ------------------------------------------------------------------------------------

    private static SyntaxNode? EnclosingMember(Site site) =>
        site.LeftToken.Parent?.AncestorsAndSelf().FirstOrDefault(n =>
            n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or LocalFunctionStatementSyntax or FieldDeclarationSyntax or EventFieldDeclarationSyntax) is { } member
            && member.FullSpan.Contains(site.Offset) ? member : null;

    private static void AddEnclosingMember(Site site, ItemList items)
    {
        var member = site.LeftToken.Parent?.AncestorsAndSelf().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax);
        if (member is null) return;
        if (site.Visible.Contains(member.SpanStart)) return; // its header is in the prompt already
        var symbol = site.EnclosingSymbol;
        while (symbol is not null && symbol.ContainingSymbol is not INamedTypeSymbol) symbol = symbol.ContainingSymbol;
        if (symbol is null or INamedTypeSymbol) return;
        var group = symbol.ContainingType is { } type ? site.GroupOf(type) : null;
        items.Add(new ContextItem(ContextItemKinds.EnclosingMember, SymbolSignatures.MemberWithSummary(symbol), site.Document.FilePath, member.Span,
            "the member the caret is in; its header is above the visible window", Scores.EnclosingMember, false) { Group = group }, KeyOf(symbol));
    }

    // ---- locals and parameters in scope -----------------------------------------------------------------------------

    private static void AddLocals(Site site, ItemList items)
    {
        var declared = new List<string>();
        foreach (var symbol in MemberLookup.LocalsInScope(site.Model, site.LeftToken, site.Offset, site.CancellationToken))
        {
            var type = symbol switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                _ => null,
            };
            if (type is not null && symbol is ILocalSymbol && IsDeclaredWithVar(symbol)) type = type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            var typeText = type is null or IErrorTypeSymbol ? "var" : type.ToDisplayString(SymbolSignatures.TypeFormat);
            declared.Add($"{typeText} {symbol.Name}");
        }
        if (declared.Count == 0) return;
        items.Add(new ContextItem(ContextItemKinds.Locals, "In scope: " + string.Join(", ", declared.Distinct()) + ";", site.Document.FilePath, null,
            "locals and parameters usable at the caret, with their types (var resolved)", Scores.Locals, false));
    }

    /// <summary>`var x = ...` infers a nullable type for reference types; the value is not null, so show it without '?'.</summary>
    private static bool IsDeclaredWithVar(ISymbol local) =>
        local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: true } } or
            SingleVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Type.IsVar: true } };

    // ---- symbols referenced in the enclosing member, and the types of what is in scope ----------------------------

    private static void AddReferencedAndScopeTypes(Site site, ItemList items)
    {
        var model = site.Model;
        var ct = site.CancellationToken;
        SyntaxNode? scope = EnclosingMember(site);
        if (scope is null)
        {
            // Top-level statements or a broken member: the global statements (or statements) near the caret.
            scope = site.LeftToken.Parent?.AncestorsAndSelf().FirstOrDefault(n => n is BlockSyntax or CompilationUnitSyntax);
        }
        if (scope is null) return;
        var window = TextSpan.FromBounds(
            site.Text.Lines[Math.Max(0, site.CaretLine - 80)].Start,
            site.Text.Lines[Math.Min(site.Text.Lines.Count - 1, site.CaretLine + 40)].End);
        var scopeTypes = new Dictionary<INamedTypeSymbol, (double Score, string Why)>(SymbolEqualityComparer.Default);
        void NoteType(ITypeSymbol? type, double score, string why)
        {
            foreach (var named in Unwrap(type))
            {
                if (!scopeTypes.TryGetValue(named, out var known) || known.Score < score) scopeTypes[named] = (score, why);
            }
        }

        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var node in scope.DescendantNodes(n => n.Span.IntersectsWith(window)))
        {
            if (node is not SimpleNameSyntax name || !window.Contains(name.SpanStart)) continue;
            if (site.Speculation is { } speculation && !speculation.Body.Contains(name.Span)) continue; // only the body is bound
            if (name.Parent is QualifiedNameSyntax { Right: var right } && right != name) continue; // namespaces of qualified names
            var info = model.GetSymbolInfo(name, ct);
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
            if (symbol is null) continue;
            var line = site.Text.Lines.GetLineFromPosition(name.SpanStart).LineNumber;
            switch (symbol)
            {
                case ILocalSymbol local:
                    NoteType(local.Type, Scores.ScopeTypeMemberSource - site.Decay(local, line), $"the type of local '{local.Name}'");
                    continue;
                case IParameterSymbol parameter:
                    NoteType(parameter.Type, Scores.ScopeTypeMemberSource - site.Decay(parameter, line), $"the type of parameter '{parameter.Name}'");
                    continue;
                case IRangeVariableSymbol or ILabelSymbol or INamespaceSymbol or ITypeParameterSymbol or IDiscardSymbol:
                    continue;
            }
            var definition = symbol is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : symbol.OriginalDefinition;
            if (!seen.Add(definition)) continue;
            var fromSource = IsFromSource(definition);
            var score = (fromSource ? Scores.ReferencedSource : Scores.ReferencedMetadata) - site.Decay(definition, line);
            switch (definition)
            {
                case INamedTypeSymbol type:
                    NoteType(type, score - 0.05, $"a type used near the caret");
                    if (!site.IsVisible(type) && type.TypeKind != TypeKind.Enum)
                    {
                        var (file, span) = site.SourceOf(type);
                        items.Add(new ContextItem(ContextItemKinds.Referenced, SymbolSignatures.TypeHeader(type) + ";", file, span,
                            $"type referenced on line {line + 1}", Math.Round(score, 4), false) { Group = type.ContainingNamespace is { IsGlobalNamespace: false } n ? $"namespace {n.ToDisplayString()}" : null },
                            "type\u0000" + KeyOf(type));
                    }
                    break;
                case IFieldSymbol or IPropertySymbol or IMethodSymbol or IEventSymbol:
                    AddMember(site, items, ContextItemKinds.Referenced, definition, score, $"{Describe(definition)} used on line {line + 1}");
                    if (definition is IFieldSymbol field) NoteType(field.Type, Scores.ScopeTypeMemberSource - site.Decay(field, line) - 0.03, $"the type of field '{field.Name}'");
                    if (definition is IPropertySymbol property) NoteType(property.Type, Scores.ScopeTypeMemberSource - site.Decay(property, line) - 0.05, $"the type of property '{property.Name}'");
                    if (definition is IMethodSymbol method && method.MethodKind != MethodKind.Constructor) NoteType(method.ReturnType, Scores.ScopeTypeMemberSource - site.Decay(method, line) - 0.08, $"the return type of '{method.Name}'");
                    break;
            }
        }

        // Members of the types the code near the caret works with: the likely next member accesses.
        foreach (var (type, (score, why)) in scopeTypes.OrderByDescending(t => t.Value.Score).Take(MaxScopeTypes))
        {
            if (type.SpecialType != SpecialType.None || type.TypeKind is TypeKind.Error or TypeKind.Delegate) continue;
            var fromSource = IsFromSource(type);
            if (type.TypeKind == TypeKind.Enum)
            {
                if (site.IsVisible(type)) continue;
                var (file, span) = site.SourceOf(type);
                items.Add(new ContextItem(ContextItemKinds.TypeMember, SymbolSignatures.EnumDeclaration(type), file, span, why,
                    Math.Round(fromSource ? score : Scores.ScopeTypeMemberMetadata, 4), false), "enum\u0000" + KeyOf(type));
                continue;
            }
            var memberScore = fromSource ? score : Scores.ScopeTypeMemberMetadata;
            var index = 0;
            var members = fromSource ? MemberLookup.Members(type).Select(m => m.Member) : SymbolSignatures.OutlineMembers(type);
            foreach (var member in members)
            {
                if (member is INamedTypeSymbol) continue;
                if (member.DeclaredAccessibility == Accessibility.Private && !SymbolEqualityComparer.Default.Equals(member.ContainingType, site.EnclosingSymbol?.ContainingType)) continue;
                if (!fromSource && member.DeclaredAccessibility != Accessibility.Public) continue;
                if (!model.IsAccessible(site.Offset, member)) continue;
                AddMember(site, items, ContextItemKinds.TypeMember, member, memberScore - 0.002 * index, $"member of {type.Name}, {why}");
                if (++index == MaxMembersPerType) break;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Unwrap(ITypeSymbol? type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                foreach (var element in Unwrap(array.ElementType)) yield return element;
                break;
            case INamedTypeSymbol named:
                if (named.IsTupleType)
                {
                    foreach (var element in named.TupleElements.SelectMany(e => Unwrap(e.Type))) yield return element;
                    break;
                }
                if (!named.IsGenericType || IsFromSource(named)) yield return (INamedTypeSymbol)named.OriginalDefinition;
                foreach (var argument in named.TypeArguments.SelectMany(Unwrap)) yield return argument;
                break;
        }
    }

    private static string Describe(ISymbol symbol) => symbol switch
    {
        IMethodSymbol => "method",
        IPropertySymbol => "property",
        IFieldSymbol => "field",
        IEventSymbol => "event",
        _ => symbol.Kind.ToString().ToLowerInvariant(),
    };

    // ---- the enclosing type's outline -------------------------------------------------------------------------

    private static void AddEnclosingTypeOutline(Site site, ItemList items)
    {
        var typeSyntax = site.LeftToken.Parent?.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault();
        if (typeSyntax is null) return;
        var type = site.EnclosingSymbol as INamedTypeSymbol ?? site.EnclosingSymbol?.ContainingType;
        if (type is null) return;
        var index = 0;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var member in SymbolSignatures.OutlineMembers(current))
            {
                if (site.IsVisible(member)) continue;
                var partial = member.Locations.Any(l => !site.IsThisDocument(l));
                var why = partial ? $"member of {current.Name} declared in another part of the partial type" : $"member of {current.Name} (the enclosing type) outside the visible window";
                AddMember(site, items, ContextItemKinds.TypeOutline, member, Scores.TypeOutline - 0.001 * index, why);
                if (++index == MaxOutlineMembers) return;
            }
            // Inherited members of source base types: what `this.`/base calls can use.
            if (current.BaseType is { } baseType && IsFromSource(baseType))
            {
                foreach (var member in SymbolSignatures.OutlineMembers(baseType))
                {
                    if (member.DeclaredAccessibility == Accessibility.Private || member is IMethodSymbol { MethodKind: MethodKind.Constructor }) continue;
                    AddMember(site, items, ContextItemKinds.TypeOutline, member, Scores.TypeOutline - 0.05 - 0.001 * index, $"inherited by {current.Name} from {baseType.Name}");
                    if (++index == MaxOutlineMembers) return;
                }
            }
        }
    }

    // ---- usings and namespace -----------------------------------------------------------------------------------

    private static void AddUsings(Site site, ItemList items)
    {
        var root = site.Root;
        var usings = root.Usings.Select(u => u.ToString().Trim()).ToList();
        var ns = root.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault();
        var firstSpan = root.Usings.Count > 0 ? root.Usings[0].Span : ns?.Span;
        if (firstSpan is null || site.Visible.Contains(firstSpan.Value.Start)) return;
        if (ns is not null) usings.Add($"namespace {ns.Name};");
        items.Add(new ContextItem(ContextItemKinds.Usings, string.Join("\n", usings), site.Document.FilePath, firstSpan,
            "the file's usings and namespace are above the visible window", Scores.Usings, false));
    }
}
