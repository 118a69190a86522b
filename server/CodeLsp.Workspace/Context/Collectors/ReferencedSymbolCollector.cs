using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>What the code near the caret refers to that is declared elsewhere, and the members of the types it works with.</summary>
internal static class ReferencedSymbolCollector
{

    public static void AddReferencedAndScopeTypes(ContextSite site, ContextItemList items, Action<string> phase, bool statementStart)
    {
        var model = site.Model;
        var ct = site.CancellationToken;
        SyntaxNode? scope = EnclosingMemberCollector.EnclosingMember(site);
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
        // Nearest names first, within a time budget: one name inside a long fluent chain of lambdas can make the
        // binder work for hundreds of milliseconds after an edit; what is bound by then is the most relevant part.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ContextLimits.ReferencedBindingBudget);
        var names = NamesNear(site, scope, window).Select((n, order) => (n.Name, n.Model, n.Line, Order: order))
            .OrderBy(n => Math.Abs(n.Line - site.CaretLine)).ThenBy(n => n.Order).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bound = 0;
        foreach (var (name, nameModel, line, _) in names)
        {
            // The nearest names are always bound (the first bind of a member warms the binder for the rest, and the
            // context must not depend on how busy the machine is); after them, the budget decides. The token's timer
            // fires on the thread pool, late when the machine is busy: the clock decides too.
            var budgeted = bound++ >= ContextLimits.MinBoundNames;
            if (budgeted && clock.Elapsed > ContextLimits.ReferencedBindingBudget) break;
            if (name.Parent is QualifiedNameSyntax { Right: var right } && right != name) continue; // namespaces of qualified names
            SymbolInfo info;
            try
            {
                info = nameModel.GetSymbolInfo(name, budgeted ? deadline.Token : ct);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                break;
            }
            var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
            if (symbol is null) continue;
            switch (symbol)
            {
                case ILocalSymbol local:
                    NoteType(local.Type, ContextScores.ScopeTypeMemberSource - site.Decay(local, line), $"the type of local '{local.Name}'");
                    continue;
                case IParameterSymbol parameter:
                    NoteType(parameter.Type, ContextScores.ScopeTypeMemberSource - site.Decay(parameter, line), $"the type of parameter '{parameter.Name}'");
                    continue;
                case IRangeVariableSymbol or ILabelSymbol or INamespaceSymbol or ITypeParameterSymbol or IDiscardSymbol:
                    continue;
            }
            var definition = symbol is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : symbol.OriginalDefinition;
            if (!seen.Add(definition)) continue;
            var fromSource = IsFromSource(definition);
            var score = (fromSource ? statementStart ? ContextScores.ReferencedSourceAtStatementStart : ContextScores.ReferencedSource : ContextScores.ReferencedMetadata) - site.Decay(definition, line);
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
                    items.AddMember(site, ContextItemKinds.Referenced, definition, score, $"{Describe(definition)} used on line {line + 1}");
                    if (definition is IFieldSymbol field) NoteType(field.Type, ContextScores.ScopeTypeMemberSource - site.Decay(field, line) - 0.03, $"the type of field '{field.Name}'");
                    if (definition is IPropertySymbol property) NoteType(property.Type, ContextScores.ScopeTypeMemberSource - site.Decay(property, line) - 0.05, $"the type of property '{property.Name}'");
                    if (definition is IMethodSymbol method && method.MethodKind != MethodKind.Constructor) NoteType(method.ReturnType, ContextScores.ScopeTypeMemberSource - site.Decay(method, line) - 0.08, $"the return type of '{method.Name}'");
                    break;
            }
        }

        phase("referenced");
        // Members of the types the code near the caret works with: the likely next member accesses.
        var extended = 0;
        foreach (var (type, (score, why)) in scopeTypes.OrderByDescending(t => t.Value.Score).Take(MaxScopeTypes))
        {
            if (type.SpecialType != SpecialType.None || type.TypeKind is TypeKind.Error or TypeKind.Delegate) continue;
            var fromSource = IsFromSource(type);
            if (type.TypeKind == TypeKind.Enum)
            {
                if (site.IsVisible(type)) continue;
                var (file, span) = site.SourceOf(type);
                items.Add(new ContextItem(ContextItemKinds.TypeMember, SymbolSignatures.EnumDeclaration(type), file, span, why,
                    Math.Round(fromSource ? score : ContextScores.ScopeTypeMemberMetadata, 4), false), "enum\u0000" + KeyOf(type));
                continue;
            }
            var memberScore = fromSource ? score : ContextScores.ScopeTypeMemberMetadata;
            var members = (fromSource ? MemberLookup.Members(type).Select(m => m.Member) : SymbolSignatures.OutlineMembers(type))
                .Where(member => member is not INamedTypeSymbol &&
                                 (member.DeclaredAccessibility != Accessibility.Private || SymbolEqualityComparer.Default.Equals(member.ContainingType, site.EnclosingSymbol?.ContainingType)) &&
                                 (fromSource || member.DeclaredAccessibility == Accessibility.Public))
                // The members this solution uses most first: a framework type's declaration order says nothing.
                .Select((member, index) => (Member: member, Score: memberScore - 0.002 * index + site.UsageScore(member))).ToList().AsEnumerable();
            phase("scope types: members");
            // The extension methods the solution calls on the nearest types (`result.ShouldBeTrue()`, `rule.NotNull()`).
            if (extended++ < MaxExtendedScopeTypes)
            {
                members = members.Concat(MemberLookup.ExtensionMethods(model, site.LookupPosition, type, site.ExtensionsInScope, site.NamespacesInScope)
                    .Where(e => site.IsUsed(e.Reduced.Name))
                    .Select(e => ((ISymbol)e.Reduced, (e.FromSource ? memberScore - 0.02 : ContextScores.ScopeTypeMemberMetadata) + site.UsageScore(e.Reduced))));
            }
            members = members.OrderByDescending(m => m.Score).ToList();
            phase("scope types: extensions");
            var taken = 0;
            foreach (var (member, memberRank) in members)
            {
                if (!MemberLookup.IsAccessible(model, site.Offset, member)) continue;
                items.AddMember(site, ContextItemKinds.TypeMember, member, memberRank, $"member of {type.Name}, {why}");
                if (++taken == MaxMembersPerType) break;
            }
            phase("scope types: add");
        }
    }

    /// <summary>
    /// The names to resolve, with the model that can resolve them and their line. With a reused model, the code
    /// outside the edited text is read from the earlier tree, whose bindings the earlier model has cached; only the
    /// names in the edited text are bound again, speculatively.
    /// </summary>
    private static IEnumerable<(SimpleNameSyntax Name, SemanticModel Model, int Line)> NamesNear(ContextSite site, SyntaxNode scope, TextSpan window)
    {
        if (site.Speculation is not { } speculation)
        {
            foreach (var node in scope.DescendantNodes(n => n.Span.IntersectsWith(window)))
            {
                if (node is SimpleNameSyntax name && window.Contains(name.SpanStart))
                    yield return (name, site.Model, site.Text.Lines.GetLineFromPosition(name.SpanStart).LineNumber);
            }
            yield break;
        }
        var edited = speculation.NewChange;
        var editedLines = TextSpan.FromBounds(site.Text.Lines.GetLineFromPosition(edited.Start).Start, site.Text.Lines.GetLineFromPosition(edited.End).End);
        foreach (var node in scope.DescendantNodes(n => n.Span.IntersectsWith(editedLines)))
        {
            if (node is SimpleNameSyntax name && editedLines.Contains(name.SpanStart) && speculation.Body.Contains(name.Span))
            {
                // Before the first change on these lines the earlier model answers, with its bindings cached.
                var line = site.Text.Lines.GetLineFromPosition(name.SpanStart).LineNumber;
                yield return speculation.InBase(name, site.CancellationToken) is { } earlier
                    ? (earlier, speculation.BaseModel, line)
                    : (name, speculation.Model, line);
            }
        }
        var oldRoot = speculation.BaseModel.SyntaxTree.GetRoot(site.CancellationToken);
        var oldEditedLines = TextSpan.FromBounds(editedLines.Start, Math.Max(editedLines.Start, editedLines.End - speculation.Delta));
        var oldBody = TextSpan.FromBounds(speculation.Body.Start, speculation.OldBodyEnd);
        var oldWindow = TextSpan.FromBounds(Math.Min(window.Start, oldBody.Start), Math.Max(oldBody.Start, Math.Min(speculation.BaseText.Length, window.End - speculation.Delta)));
        var lineShift = site.Text.Lines.Count - speculation.BaseText.Lines.Count;
        foreach (var node in oldRoot.DescendantNodes(n => n.Span.IntersectsWith(oldWindow) && n.Span.IntersectsWith(oldBody)))
        {
            if (node is not SimpleNameSyntax name || !oldWindow.Contains(name.SpanStart) || !oldBody.Contains(name.Span) || oldEditedLines.IntersectsWith(name.Span)) continue;
            var line = speculation.BaseText.Lines.GetLineFromPosition(name.SpanStart).LineNumber;
            yield return (name, speculation.BaseModel, name.SpanStart >= oldEditedLines.End ? line + lineShift : line);
        }
    }

    internal static IEnumerable<INamedTypeSymbol> Unwrap(ITypeSymbol? type)
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
}
