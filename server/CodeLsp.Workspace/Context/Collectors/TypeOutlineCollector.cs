using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>The members of the enclosing type (and its containing and source base types) declared outside the visible window.</summary>
internal static class TypeOutlineCollector
{

    public static void AddEnclosingTypeOutline(ContextSite site, ContextItemList items)
    {
        var typeSyntax = site.LeftToken.Parent?.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault();
        if (typeSyntax is null) return;
        var type = site.EnclosingSymbol as INamedTypeSymbol ?? site.EnclosingSymbol?.ContainingType;
        if (type is null) return;
        var candidates = new List<(ISymbol Member, double Score, string Why)>();
        var index = 0;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var member in SymbolSignatures.OutlineMembers(current))
            {
                if (site.IsVisible(member)) continue;
                var partial = member.Locations.Any(l => !site.IsThisDocument(l));
                var why = partial ? $"member of {current.Name} declared in another part of the partial type" : $"member of {current.Name} (the enclosing type) outside the visible window";
                candidates.Add((member, ContextScores.TypeOutline - 0.001 * index++ + site.UsageScore(member), why));
            }
            // Inherited members of source base types: what `this.`/base calls can use.
            if (current.BaseType is { } baseType && IsFromSource(baseType))
            {
                foreach (var member in SymbolSignatures.OutlineMembers(baseType))
                {
                    if (member.DeclaredAccessibility == Accessibility.Private || member is IMethodSymbol { MethodKind: MethodKind.Constructor }) continue;
                    candidates.Add((member, ContextScores.TypeOutline - 0.05 - 0.001 * index++ + site.UsageScore(member), $"inherited by {current.Name} from {baseType.Name}"));
                }
            }
        }
        // A large type offers the members the solution uses most, not the first ones declared.
        foreach (var (member, score, why) in candidates.OrderByDescending(c => c.Score).Take(MaxOutlineMembers))
            items.AddMember(site, ContextItemKinds.TypeOutline, member, score, why);
    }
}
