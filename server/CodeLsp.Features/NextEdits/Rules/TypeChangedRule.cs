using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A property's, field's or method's type changed: where a use now needs an explicit conversion (CS0266), the cast
/// to the type the site expects is inserted. Other new errors at uses are explained, not guessed.
/// </summary>
internal sealed class TypeChangedRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.TypeChanged;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        foreach (var site in await context.ReferenceSitesAsync(change.Before, ct).ConfigureAwait(false))
        {
            var root = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null || NextEditSyntax.ReferencedExpression(root, site.Span) is not { } reference) continue;
            ExpressionSyntax use = reference.Parent is InvocationExpressionSyntax invocation && invocation.Expression == reference ? invocation : reference;
            var diagnostics = await context.NewDiagnosticsAtAsync(site.Document, use.Span, ct).ConfigureAwait(false);
            if (diagnostics.Count == 0) continue; // the use still compiles: nothing to follow up
            var diagnostic = diagnostics[0];
            if (diagnostic.Id != "CS0266" || diagnostic.Location.SourceSpan != use.Span)
            {
                context.Explain(site.Document, use.Span, diagnostic.Id, "the new type does not fit here and no conversion is known");
                continue;
            }
            var model = await site.Document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var target = model!.GetTypeInfo(use, ct).ConvertedType;
            if (target is null or IErrorTypeSymbol)
            {
                context.Explain(site.Document, use.Span, diagnostic.Id, "the expected type is unknown");
                continue;
            }
            var typeName = target.ToMinimalDisplayString(model!, use.SpanStart);
            var scope = NextEditSyntax.ScopeOf(root, use.Span);
            context.Propose(new ProposedEdit(site.Document, new Microsoft.CodeAnalysis.Text.TextSpan(use.SpanStart, 0), $"({typeName})",
                $"Update use: cast `{use}` to `{typeName}`",
                $"`{change.After.Name}` is now `{TypeOf(change.After)}`; this use expects `{typeName}`", NextEditSource.Compiler, diagnostic, scope));
        }
    }

    private static string TypeOf(ISymbol symbol) => (symbol switch
    {
        IPropertySymbol p => p.Type,
        IFieldSymbol f => f.Type,
        IMethodSymbol m => m.ReturnType,
        _ => null,
    })?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?";
}
