using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A method became async (returns <c>Task</c>/<c>Task&lt;T&gt;</c> now): each call gets <c>await</c>. A caller that is
/// not async yet becomes async in the same edit (<c>void</c> → <c>Task</c>, <c>T</c> → <c>Task&lt;T&gt;</c>), with all
/// its calls awaited; its own callers are then the next round of next edits. Calls inside lambdas, properties or
/// constructors are explained.
/// </summary>
internal sealed class MadeAsyncRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.MadeAsync;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        var calls = new List<(Document Document, InvocationExpressionSyntax Call, Diagnostic? Diagnostic, SyntaxNode? Function)>();
        foreach (var site in await context.ReferenceSitesAsync(change.Before, ct).ConfigureAwait(false))
        {
            var root = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null || NextEditSyntax.CallAt(root, site.Span) is not { Call: InvocationExpressionSyntax invocation }) continue;
            if (invocation.Parent is AwaitExpressionSyntax) continue;
            var diagnostic = (await context.NewDiagnosticsAtAsync(site.Document, invocation.Span, ct).ConfigureAwait(false)).FirstOrDefault();
            var function = invocation.Ancestors().FirstOrDefault(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or PropertyDeclarationSyntax);
            calls.Add((site.Document, invocation, diagnostic, function));
        }

        foreach (var group in calls.GroupBy(c => (c.Document.Id, c.Function)))
        {
            var document = group.First().Document;
            var function = group.Key.Function;
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var diagnostic = group.Select(c => c.Diagnostic).FirstOrDefault(d => d is not null);
            var reason = $"`{change.After.Name}` is async now: its result must be awaited";
            var isAsync = function switch
            {
                MethodDeclarationSyntax m => m.Modifiers.Any(SyntaxKind.AsyncKeyword),
                LocalFunctionStatementSyntax f => f.Modifiers.Any(SyntaxKind.AsyncKeyword),
                AnonymousFunctionExpressionSyntax a => a.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword),
                _ => false,
            };
            if (isAsync)
            {
                foreach (var (_, call, d, _) in group)
                {
                    var awaited = Awaited(call);
                    var (span, newText) = awaited.StartsWith('(') ? (call.Span, awaited) : MinimalEdit.Trim(call.ToString(), call.SpanStart, awaited);
                    context.Propose(new ProposedEdit(document, span, newText, $"Update call: await `{change.After.Name}`", reason, NextEditSource.Compiler, d,
                        NextEditSyntax.ScopeOf(root!, call.Span)));
                }
                continue;
            }
            if (function is MethodDeclarationSyntax method && model!.GetDeclaredSymbol(method, ct) is { } caller && AsyncReturnType(model!, method, caller) is { } returnType)
            {
                // One edit from the return type to the last call: "async" + the Task type, and every call awaited.
                var ordered = group.Select(c => c.Call).OrderBy(c => c.SpanStart).ToList();
                var region = TextSpan.FromBounds(method.ReturnType.SpanStart, ordered[^1].Span.End);
                var builder = new System.Text.StringBuilder("async " + returnType);
                var cursor = method.ReturnType.Span.End;
                foreach (var call in ordered)
                {
                    builder.Append(text.ToString(TextSpan.FromBounds(cursor, call.SpanStart))).Append(Awaited(call));
                    cursor = call.Span.End;
                }
                var (span, newText) = MinimalEdit.Trim(text.ToString(region), region.Start, builder.ToString());
                context.Propose(new ProposedEdit(document, span, newText,
                    $"Update call{(ordered.Count > 1 ? "s" : "")}: await `{change.After.Name}` and make `{method.Identifier.ValueText}` async", reason,
                    NextEditSource.Compiler, diagnostic, method.Span));
                continue;
            }
            foreach (var (_, call, d, _) in group)
            {
                context.Explain(document, call.Span, d?.Id, "the call is in a lambda, property, constructor or operator that is not async: awaiting it needs a design decision");
            }
        }
    }

    private static string Awaited(InvocationExpressionSyntax call) =>
        call.Parent is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax ? $"(await {call})" : $"await {call}";

    /// <summary>The return type of the caller once async: <c>Task</c> for void, <c>Task&lt;T&gt;</c> for T; null when it cannot be async.</summary>
    private static string? AsyncReturnType(SemanticModel model, MethodDeclarationSyntax method, IMethodSymbol caller)
    {
        if (method.ExpressionBody is not null && caller.ReturnsVoid) return null; // "async Task M() => x" would change what is returned
        if (caller.ReturnsByRef || caller.ReturnsByRefReadonly || caller.Parameters.Any(p => p.RefKind != RefKind.None)) return null;
        if (method.DescendantNodes().OfType<YieldStatementSyntax>().Any()) return null;
        var task = model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        if (task is null) return null;
        var taskName = task.ToMinimalDisplayString(model, method.SpanStart);
        if (caller.ReturnsVoid) return taskName;
        if (caller.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask" } existing && existing.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks") return null;
        return $"{taskName}<{method.ReturnType}>";
    }
}
