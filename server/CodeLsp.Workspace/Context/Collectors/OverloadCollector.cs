using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>Inside a call's argument list: every overload of the method, constructor or indexer being called.</summary>
internal static class OverloadCollector
{

    public static void AddOverloads(ContextSite site, ContextItemList items, double topScore)
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
                    overloads = created?.InstanceConstructors.Where(c => MemberLookup.IsAccessible(model, site.Offset, c)) ?? [];
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
}
