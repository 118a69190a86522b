using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>The header of the member the caret is in, when it is above the visible window.</summary>
internal static class EnclosingMemberCollector
{

    internal static SyntaxNode? EnclosingMember(ContextSite site) =>
        site.LeftToken.Parent?.AncestorsAndSelf().FirstOrDefault(n =>
            n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or LocalFunctionStatementSyntax or FieldDeclarationSyntax or EventFieldDeclarationSyntax) is { } member
            && member.FullSpan.Contains(site.Offset) ? member : null;

    public static void AddEnclosingMember(ContextSite site, ContextItemList items)
    {
        var member = site.LeftToken.Parent?.AncestorsAndSelf().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax);
        if (member is null) return;
        if (site.Visible.Contains(member.SpanStart)) return; // its header is in the prompt already
        var symbol = site.EnclosingSymbol;
        while (symbol is not null && symbol.ContainingSymbol is not INamedTypeSymbol) symbol = symbol.ContainingSymbol;
        if (symbol is null or INamedTypeSymbol) return;
        var group = symbol.ContainingType is { } type ? site.GroupOf(type) : null;
        items.Add(new ContextItem(ContextItemKinds.EnclosingMember, SymbolSignatures.MemberWithSummary(symbol), site.Document.FilePath, member.Span,
            "the member the caret is in; its header is above the visible window", ContextScores.EnclosingMember, false) { Group = group }, KeyOf(symbol));
    }
}
