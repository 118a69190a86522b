using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>The locals and parameters usable at the caret, with their types.</summary>
internal static class LocalsCollector
{

    public static void AddLocals(ContextSite site, ContextItemList items)
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
            "locals and parameters usable at the caret, with their types (var resolved)", ContextScores.Locals, false));
    }

    /// <summary>`var x = ...` infers a nullable type for reference types; the value is not null, so show it without '?'.</summary>
    private static bool IsDeclaredWithVar(ISymbol local) =>
        local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: true } } or
            SingleVariableDesignationSyntax { Parent: DeclarationExpressionSyntax { Type.IsVar: true } };
}
