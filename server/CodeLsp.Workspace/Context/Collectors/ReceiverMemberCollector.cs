using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>After <c>expr.</c>: the members of the receiver's type (and of a namespace or type name), ranked.</summary>
internal static class ReceiverMemberCollector
{

    /// <returns>Whether the caret is after a member access dot.</returns>
    public static bool AddReceiverMembers(ContextSite site, ContextItemList items, Action<string>? phase = null)
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
        // Before the first change the earlier model answers, with its bindings cached across keystrokes.
        var bind = model;
        if (site.Speculation?.InBase(receiver, ct) is { } earlier)
        {
            bind = site.Speculation.BaseModel;
            receiver = earlier;
        }
        var receiverSymbol = bind.GetSymbolInfo(receiver, ct).Symbol;
        ITypeSymbol? speculativeType = null;
        if (receiverSymbol is null && receiver is NameSyntax && receiver.Parent is QualifiedNameSyntax)
        {
            // `order.` followed by `var x = 1;` parses as the declaration `order.var x = 1;`: the receiver sits in a
            // type position where it cannot bind. Bind its text as an expression at the same place instead.
            var asExpression = SyntaxFactory.ParseExpression(receiver.ToString());
            receiverSymbol = bind.GetSpeculativeSymbolInfo(receiver.SpanStart, asExpression, SpeculativeBindingOption.BindAsExpression).Symbol;
            speculativeType = bind.GetSpeculativeTypeInfo(receiver.SpanStart, asExpression, SpeculativeBindingOption.BindAsExpression).Type;
        }
        ITypeSymbol? type;
        bool isStatic;
        if (receiverSymbol is INamespaceSymbol ns)
        {
            AddNamespaceMembers(site, items, ns, typedPrefix, receiver.ToString());
            return true;
        }
        if (receiverSymbol is INamedTypeSymbol named && receiver is not InvocationExpressionSyntax && (speculativeType is null || IsTypeName(receiver, bind, ct)))
        {
            type = named;
            isStatic = true;
        }
        else
        {
            type = speculativeType ?? bind.GetTypeInfo(receiver, ct).Type;
            isStatic = false;
        }
        if (type is null or IErrorTypeSymbol) return true;

        phase?.Invoke("receiver members: binding the receiver");
        var typeName = type.ToDisplayString(SymbolSignatures.TypeFormat);
        var ranked = new List<(ISymbol Member, double Score, string Why)>();
        var reasons = new Dictionary<INamedTypeSymbol, string>(SymbolEqualityComparer.Default);
        var ownReason = $"member of {typeName}, the type of '{receiver}'";
        foreach (var (member, inherited) in MemberLookup.Members(type))
        {
            if (member is INamedTypeSymbol ? !isStatic : member.IsStatic != isStatic) continue;
            if (!MemberLookup.IsAccessible(model, site.Offset, member)) continue;
            var fromSource = IsFromSource(member);
            var score = inherited
                ? (fromSource ? ContextScores.ReceiverInheritedSource : ContextScores.ReceiverInheritedMetadata)
                : (fromSource ? ContextScores.ReceiverMemberSource : ContextScores.ReceiverMemberMetadata);
            // One reason per declaring type: formatting a type name per member costs more than ranking it.
            var why = inherited
                ? reasons.TryGetValue(member.ContainingType, out var known) ? known
                    : reasons[member.ContainingType] = $"member of {typeName} inherited from {member.ContainingType?.ToDisplayString(SymbolSignatures.TypeFormat)}, after '{receiver}.'"
                : ownReason;
            ranked.Add((member, score + PrefixScore(member.Name, typedPrefix) + site.UsageScore(member), why));
        }
        if (!isStatic)
        {
            foreach (var (reduced, fromSource) in MemberLookup.ExtensionMethods(model, site.LookupPosition, type, site.ExtensionsInScope, site.NamespacesInScope))
            {
                ranked.Add((reduced, (fromSource ? ContextScores.ReceiverExtensionSource : ContextScores.ReceiverExtensionMetadata) + PrefixScore(reduced.Name, typedPrefix) + site.UsageScore(reduced),
                    $"extension method in scope for {typeName}, after '{receiver}.'"));
            }
        }
        var ordered = ranked.OrderByDescending(r => r.Score).Take(MaxReceiverMembers).ToList();
        foreach (var (member, score, why) in ordered)
            items.AddMember(site, ContextItemKinds.ReceiverMember, member, score, why);
        phase?.Invoke("receiver members: own and extensions");
        AddChainedMembers(site, items, type, ordered, receiver.ToString());
        return true;
    }

    /// <summary>
    /// One step further: the rest of the line often goes on through the receiver's members (`services.Customers.`,
    /// `result.Errors.Single().ErrorMessage`, `ErrorCodes.Validation.Required`). The types the most likely members
    /// return (element types of collections and tasks included; nested types after a type name) contribute their
    /// members and the extension methods in scope for them, those the solution uses most first, below the receiver's own.
    /// </summary>
    private static void AddChainedMembers(ContextSite site, ContextItemList items, ITypeSymbol receiverType, List<(ISymbol Member, double Score, string Why)> ordered, string receiver)
    {
        var model = site.Model;
        var done = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { receiverType };
        var chained = 0;
        foreach (var (member, _, _) in ordered.Take(MaxChainSources))
        {
            if (chained == MaxChainedTypes) break;
            var next = member switch
            {
                IPropertySymbol property => property.Type,
                IFieldSymbol field => field.Type,
                IMethodSymbol { ReturnsVoid: false } method => method.ReturnType,
                INamedTypeSymbol nested => nested,
                _ => null,
            };
            var isStatic = member is INamedTypeSymbol;
            foreach (var nextType in ReferencedSymbolCollector.Unwrap(next))
            {
                if (nextType.SpecialType != SpecialType.None || nextType.TypeKind is TypeKind.Error or TypeKind.Delegate || !done.Add(nextType)) continue;
                if (++chained > MaxChainedTypes) break;
                var why = $"member of {nextType.Name}, reached through {receiver}.{member.Name}";
                if (nextType.TypeKind == TypeKind.Enum)
                {
                    if (site.IsVisible(nextType)) continue;
                    var (file, span) = site.SourceOf(nextType);
                    items.Add(new ContextItem(ContextItemKinds.ReceiverMember, SymbolSignatures.EnumDeclaration(nextType), file, span, why,
                        ContextScores.ChainedMember, false), "enum\u0000" + KeyOf(nextType));
                    continue;
                }
                var fromSource = IsFromSource(nextType);
                var candidates = MemberLookup.Members(nextType)
                    .Where(m => m.Member is not INamedTypeSymbol && m.Member.IsStatic == isStatic && (fromSource || site.Usage.Count(m.Member.Name) > 0))
                    .Select((m, index) => (m.Member, Score: ContextScores.ChainedMember - 0.002 * index + site.UsageScore(m.Member)));
                if (!isStatic)
                {
                    candidates = candidates.Concat(MemberLookup.ExtensionMethods(model, site.LookupPosition, nextType, site.ExtensionsInScope, site.NamespacesInScope)
                        .Where(e => e.FromSource || site.Usage.Count(e.Reduced.Name) > 0)
                        .Select(e => ((ISymbol)e.Reduced, (e.FromSource ? ContextScores.ChainedMember - 0.05 : ContextScores.ScopeTypeMemberMetadata) + site.UsageScore(e.Reduced))));
                }
                var taken = 0;
                foreach (var (candidate, score) in candidates.OrderByDescending(c => c.Score))
                {
                    if (!MemberLookup.IsAccessible(model, site.Offset, candidate)) continue;
                    items.AddMember(site, ContextItemKinds.ReceiverMember, candidate, score, why);
                    if (++taken == MaxChainedMembers) break;
                }
            }
        }
    }

    /// <summary>
    /// After <c>Namespace.</c>: its namespaces and types, those the solution names most first (a namespace like
    /// <c>System</c> holds hundreds of types; declaration order would offer <c>AccessViolationException</c>).
    /// </summary>
    private static void AddNamespaceMembers(ContextSite site, ContextItemList items, INamespaceSymbol ns, string typedPrefix, string receiver)
    {
        var members = ns.GetMembers()
            .Where(m => m is INamespaceSymbol || m is INamedTypeSymbol type && MemberLookup.IsAccessible(site.Model, site.Offset, type))
            .Select(m => (Member: m, Score: (IsFromSource(m) ? ContextScores.ReceiverMemberSource : ContextScores.ReceiverMemberMetadata) + PrefixScore(m.Name, typedPrefix) + site.Usage.Bonus(m.Name)))
            .OrderByDescending(m => m.Score).ThenBy(m => m.Member.Name, StringComparer.Ordinal)
            .Take(MaxReceiverMembers);
        foreach (var (member, score) in members)
        {
            if (member is INamespaceSymbol child)
            {
                items.Add(new ContextItem(ContextItemKinds.ReceiverMember, $"namespace {child.ToDisplayString()};", $"[namespace {child.ToDisplayString()}]", null,
                    $"a namespace in {ns.ToDisplayString()}, after '{receiver}.'", Math.Round(score, 4), false), "ns\u0000" + child.ToDisplayString());
                continue;
            }
            items.AddMember(site, ContextItemKinds.ReceiverMember, member, score, $"a type in namespace {ns.ToDisplayString()}, after '{receiver}.'");
        }
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
        if (name.StartsWith(typedPrefix, StringComparison.Ordinal)) return ContextScores.TypedPrefixBonus;
        if (name.StartsWith(typedPrefix, StringComparison.OrdinalIgnoreCase)) return ContextScores.TypedPrefixBonus / 2;
        return name.Contains(typedPrefix, StringComparison.OrdinalIgnoreCase) ? 0 : ContextScores.TypedPrefixMismatch;
    }
}
