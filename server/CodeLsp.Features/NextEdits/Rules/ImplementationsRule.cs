using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A renamed or re-signatured interface, abstract or virtual member: its implementations and overrides follow
/// (the name, or the parameter list), which resolves CS0535/CS0534/CS0115 on their types; calls bound to a renamed
/// implementation follow too. When the edited member is itself the implementation, the interface it satisfied is
/// the user's design: the new CS0535 is explained, not "fixed" by editing the interface.
/// </summary>
internal sealed class ImplementationsRule : INextEditRule
{
    private static readonly HashSet<string> BrokenContract = ["CS0535", "CS0534", "CS0115", "CS0738", "CS0736"];

    public bool Handles(EditKind kind) => kind is EditKind.Renamed or EditKind.ParameterAdded or EditKind.ParameterRemoved or EditKind.ParametersReordered;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        if (change.Before is not (IMethodSymbol or IPropertySymbol or IEventSymbol) || change.Before.ContainingType is not { } owner) return;

        var implementations = owner.TypeKind == TypeKind.Interface
            ? await SymbolFinder.FindImplementationsAsync(change.Before, context.Before, cancellationToken: ct).ConfigureAwait(false)
            : change.Before.IsAbstract || change.Before.IsVirtual || change.Before.IsOverride
                ? await SymbolFinder.FindOverridesAsync(change.Before, context.Before, cancellationToken: ct).ConfigureAwait(false)
                : [];
        foreach (var implementation in implementations.Where(i => i.Locations.Any(l => l.IsInSource)))
        {
            await FollowAsync(context, change, implementation, ct).ConfigureAwait(false);
        }

        // The edited member implemented or overrode something: that contract now breaks on its type.
        var implementsSomething = change.Before.IsOverride || owner.AllInterfaces.SelectMany(i => i.GetMembers())
            .Any(m => SymbolEqualityComparer.Default.Equals(owner.FindImplementationForInterfaceMember(m), change.Before));
        if (implementsSomething) await ExplainBrokenContractAsync(context, change.After.ContainingType, change.Before.Name, ct).ConfigureAwait(false);
    }

    private static async Task FollowAsync(NextEditContext context, DeclarationChange change, ISymbol implementation, CancellationToken ct)
    {
        var reference = implementation.DeclaringSyntaxReferences.FirstOrDefault();
        if (reference is null || context.Before.GetDocument(reference.SyntaxTree) is not { } oldDocument || context.After.GetDocument(oldDocument.Id) is not { } document) return;
        var declaration = await reference.GetSyntaxAsync(ct).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null || !context.TryMapToAfter(document.Id, declaration.Span, out var mapped)) return;
        var node = root.FindNode(mapped, getInnermostNodeForTie: true);
        var type = node.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>();
        if (type is null) return;
        var diagnostic = (await context.NewDiagnosticsAtAsync(document, type.Span, ct).ConfigureAwait(false))
            .FirstOrDefault(d => BrokenContract.Contains(d.Id) && d.GetMessage().Contains(change.After.Name, StringComparison.Ordinal));
        var what = $"`{implementation.ContainingType.Name}.{implementation.Name}`";

        if (change.Kind == EditKind.Renamed)
        {
            var identifier = node switch
            {
                MethodDeclarationSyntax m => m.Identifier,
                PropertyDeclarationSyntax p => p.Identifier,
                EventDeclarationSyntax e => e.Identifier,
                _ => default,
            };
            if (identifier == default || identifier.ValueText != change.Before.Name) return;
            context.Propose(new ProposedEdit(document, identifier.Span, change.After.Name,
                $"Rename {what} → `{change.After.Name}`", $"it implements `{change.Before.ContainingType.Name}.{change.Before.Name}`, which was renamed to `{change.After.Name}`",
                NextEditSource.Compiler, diagnostic, type.Span));
            foreach (var site in await context.ReferenceSitesAsync(implementation, ct).ConfigureAwait(false))
            {
                var text = await site.Document.GetTextAsync(ct).ConfigureAwait(false);
                if (text.ToString(site.Span) != change.Before.Name) continue;
                var siteRoot = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                context.Propose(new ProposedEdit(site.Document, site.Span, change.After.Name, $"Rename {what} → `{change.After.Name}` here",
                    $"{what} follows the rename of `{change.Before.ContainingType.Name}.{change.Before.Name}`", NextEditSource.Compiler, null,
                    NextEditSyntax.ScopeOf(siteRoot!, site.Span)));
            }
            return;
        }

        if (node is not BaseMethodDeclarationSyntax { ParameterList: { } list } || change.Before is not IMethodSymbol before || change.After is not IMethodSymbol after) return;
        if (list.Parameters.Count != before.Parameters.Length) return;
        var texts = list.Parameters.Select(p => p.ToString()).ToList();
        switch (change.Kind)
        {
            case EditKind.ParameterAdded:
                foreach (var index in change.Indexes)
                {
                    if (after.Parameters[index].DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is not ParameterSyntax parameter) return;
                    texts.Insert(Math.Min(index, texts.Count), parameter.WithDefault(null).ToString().Trim());
                }
                break;
            case EditKind.ParameterRemoved:
                foreach (var index in change.Indexes.OrderDescending()) texts.RemoveAt(index);
                break;
            default:
                texts = change.Indexes.Select(i => texts[i]).ToList();
                break;
        }
        var (span, newText) = await MinimalEdit.TrimAsync(document, list.Span, "(" + string.Join(", ", texts) + ")", ct).ConfigureAwait(false);
        context.Propose(new ProposedEdit(document, span, newText, $"Update {what}: match the new signature",
            $"it implements `{change.After.ContainingType.Name}.{after.Name}`, whose parameters are now ({string.Join(", ", after.Parameters.Select(p => p.Name))})",
            NextEditSource.Compiler, diagnostic, type.Span));
    }

    private static async Task ExplainBrokenContractAsync(NextEditContext context, INamedTypeSymbol type, string oldName, CancellationToken ct)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (context.After.GetDocument(reference.SyntaxTree) is not { } document) continue;
            var declaration = await reference.GetSyntaxAsync(ct).ConfigureAwait(false);
            foreach (var d in await context.NewDiagnosticsAtAsync(document, declaration.Span, ct).ConfigureAwait(false))
            {
                if (!BrokenContract.Contains(d.Id)) continue;
                context.Explain(document, d.Location.SourceSpan, d.Id, $"`{oldName}` implemented this contract; changing the contract (the interface or base member) is the user's call");
            }
        }
    }
}
