using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A method became async (returns <c>Task</c>/<c>Task&lt;T&gt;</c> now): each call gets <c>await</c>. A caller that is
/// not async yet becomes async in the same edit (<c>void</c> → <c>Task</c>, <c>T</c> → <c>Task&lt;T&gt;</c>); its own
/// callers are then the next round of next edits. Calls inside lambdas, properties or constructors are explained.
/// </summary>
internal sealed class MadeAsyncRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.MadeAsync;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        foreach (var site in await context.ReferenceSitesAsync(change.Before, ct).ConfigureAwait(false))
        {
            var root = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null || NextEditSyntax.CallAt(root, site.Span) is not { Call: InvocationExpressionSyntax invocation }) continue;
            if (invocation.Parent is AwaitExpressionSyntax) continue;
            var diagnostics = await context.NewDiagnosticsAtAsync(site.Document, invocation.Span, ct).ConfigureAwait(false);
            var diagnostic = diagnostics.FirstOrDefault();
            var function = invocation.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax);
            var awaited = invocation.Parent is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax
                ? $"(await {invocation})"
                : $"await {invocation}";
            var scope = NextEditSyntax.ScopeOf(root, invocation.Span);
            var text = await site.Document.GetTextAsync(ct).ConfigureAwait(false);
            var model = await site.Document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            string title;
            TextSpan span;
            string newText;
            switch (function)
            {
                case MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.AsyncKeyword):
                case LocalFunctionStatementSyntax f when f.Modifiers.Any(SyntaxKind.AsyncKeyword):
                case AnonymousFunctionExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword }:
                    title = $"Update call: await `{change.After.Name}`";
                    (span, newText) = MinimalEdit.Trim(invocation.ToString(), invocation.SpanStart, awaited);
                    if (awaited.StartsWith('(')) (span, newText) = (invocation.Span, awaited);
                    break;
                case MethodDeclarationSyntax m when model!.GetDeclaredSymbol(m, ct) is { } caller && AsyncReturnType(model!, m, caller) is { } returnType:
                {
                    // One edit from the return type to the call: "async" + the Task type, and the await.
                    var region = TextSpan.FromBounds(m.ReturnType.SpanStart, invocation.Span.End);
                    var inner = text.ToString(TextSpan.FromBounds(m.ReturnType.Span.End, invocation.SpanStart));
                    var rewritten = "async " + returnType + inner + awaited;
                    (span, newText) = MinimalEdit.Trim(text.ToString(region), region.Start, rewritten);
                    title = $"Update call: await `{change.After.Name}` and make `{m.Identifier.ValueText}` async";
                    break;
                }
                default:
                    context.Explain(site.Document, invocation.Span, diagnostic?.Id, "the call is in a lambda, property, constructor or operator that is not async: awaiting it needs a design decision");
                    continue;
            }
            context.Propose(new ProposedEdit(site.Document, span, newText, title,
                $"`{change.After.Name}` is async now: its result must be awaited", NextEditSource.Compiler, diagnostic, scope));
        }
    }

    /// <summary>The return type of the caller once async: <c>Task</c> for void, <c>Task&lt;T&gt;</c> for T; null when it cannot be async.</summary>
    private static string? AsyncReturnType(SemanticModel model, MethodDeclarationSyntax method, IMethodSymbol caller)
    {
        if (method.ExpressionBody is not null && caller.ReturnsVoid) return null; // "async Task M() => x" would change what is returned
        if (caller.ReturnsByRef || caller.ReturnsByRefReadonly || caller.Parameters.Any(p => p.RefKind != RefKind.None)) return null;
        var task = model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        if (task is null) return null;
        var taskName = task.ToMinimalDisplayString(model, method.SpanStart);
        if (caller.ReturnsVoid) return taskName;
        if (caller.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" } existing && existing.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks") return null;
        return $"{taskName}<{method.ReturnType}>";
    }
}
