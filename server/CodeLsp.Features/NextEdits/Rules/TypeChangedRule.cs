using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A property's, field's or method's type changed: where a use now needs an explicit conversion — assigned or
/// returned (CS0266) or passed as an argument (CS1503) — the cast to the type the site expects is inserted. Other new
/// errors at uses are explained, not guessed.
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
            // The error may sit on an expression around the use ("x.Count - 1"): look a few levels up.
            var around = use.AncestorsAndSelf().TakeWhile(n => n is ExpressionSyntax or ArgumentSyntax).Take(4).Last();
            var diagnostics = await context.NewDiagnosticsAtAsync(site.Document, around.Span, ct).ConfigureAwait(false);
            if (diagnostics.Count == 0) continue; // the use still compiles: nothing to follow up
            var diagnostic = diagnostics[0];
            if (await site.Document.GetSemanticModelAsync(ct).ConfigureAwait(false) is not { } model) continue;
            var target = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) switch
            {
                ArgumentSyntax a => a.Expression,
                ExpressionSyntax e => e,
                _ => null,
            };
            var targetType = target is null ? null : diagnostic.Id switch
            {
                "CS0266" => model.GetTypeInfo(target, ct).ConvertedType,
                "CS1503" => ParameterTypeOf(model, target, ct),
                _ => null,
            };
            if (target is null || targetType is null or IErrorTypeSymbol || !target.Span.Contains(use.Span) ||
                model.GetTypeInfo(target, ct).Type is not { } sourceType || !((CSharpCompilation)model.Compilation).ClassifyConversion(sourceType, targetType).IsExplicit)
            {
                context.Explain(site.Document, diagnostic.Location.SourceSpan, diagnostic.Id, "the new type does not fit here and no explicit conversion to what the site expects exists");
                continue;
            }
            var typeName = targetType.ToMinimalDisplayString(model, target.SpanStart);
            var primary = target is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or LiteralExpressionSyntax;
            var (span, newText) = primary
                ? (new TextSpan(target.SpanStart, 0), $"({typeName})")
                : (target.Span, $"({typeName})({target})");
            context.Propose(new ProposedEdit(site.Document, span, newText,
                $"Update use: cast `{target}` to `{typeName}`",
                $"`{change.After.Name}` is now `{TypeOf(change.After)}`; this use expects `{typeName}`", NextEditSource.Compiler, diagnostic,
                NextEditSyntax.ScopeOf(root, target.Span)));
        }
    }

    /// <summary>The parameter type an argument goes to, when the call has one candidate that takes it.</summary>
    private static ITypeSymbol? ParameterTypeOf(SemanticModel model, ExpressionSyntax expression, CancellationToken ct)
    {
        if (expression.Parent is not ArgumentSyntax { Parent: BaseArgumentListSyntax list } argument || list.Parent is null) return null;
        var info = model.GetSymbolInfo(list.Parent, ct);
        var candidates = (info.Symbol is { } s ? [s] : info.CandidateSymbols).OfType<IMethodSymbol>().ToList();
        if (candidates.Count != 1) return null;
        var method = candidates[0];
        var index = list.Arguments.IndexOf(argument);
        var parameter = argument.NameColon is { } name
            ? method.Parameters.FirstOrDefault(p => p.Name == name.Name.Identifier.ValueText)
            : index < method.Parameters.Length ? method.Parameters[index] : null;
        return parameter?.Type;
    }

    private static string TypeOf(ISymbol symbol) => (symbol switch
    {
        IPropertySymbol p => p.Type,
        IFieldSymbol f => f.Type,
        IMethodSymbol m => m.ReturnType,
        _ => null,
    })?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?";
}
