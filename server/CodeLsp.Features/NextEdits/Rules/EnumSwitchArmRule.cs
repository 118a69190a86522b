using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// An enum member added: each switch expression over the enum that no longer covers it (CS8509) gets an arm for the
/// new member that throws <c>NotImplementedException</c>, after its last arm. Switch statements are not exhaustive
/// by rule, so the compiler does not tie them to the edit.
/// </summary>
internal sealed class EnumSwitchArmRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.EnumMemberAdded;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        var member = (IFieldSymbol)change.After;
        var enumType = member.ContainingType;
        // References found in the solution before the edit: its compilations are warm; positions map across the edit.
        var seen = new HashSet<(DocumentId, TextSpan)>();
        foreach (var site in await context.ReferenceSitesAsync(change.Before, ct).ConfigureAwait(false))
        {
            var document = site.Document;
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var node = root?.FindNode(site.Span, getInnermostNodeForTie: true);
            if (node?.FirstAncestorOrSelf<SwitchExpressionSyntax>() is not { } switchExpression) continue;
            if (!seen.Add((document.Id, switchExpression.Span))) continue;
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (model!.GetTypeInfo(switchExpression.GoverningExpression, ct).Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } governing || governing.Name != enumType.Name) continue;
            var diagnostic = (await context.NewDiagnosticsAtAsync(document, switchExpression.Span, ct).ConfigureAwait(false)).FirstOrDefault(d => d.Id == "CS8509");
            if (diagnostic is null) continue; // a discard arm, or the member is already handled
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var arms = switchExpression.Arms;
            if (arms.Count == 0) continue;
            var exception = model!.Compilation.GetTypeByMetadataName("System.NotImplementedException")?.ToMinimalDisplayString(model, switchExpression.SpanStart) ?? "System.NotImplementedException";
            var arm = $"{enumType.ToMinimalDisplayString(model, switchExpression.SpanStart)}.{member.Name} => throw new {exception}()";
            var last = arms[^1];
            var hasTrailingComma = arms.SeparatorCount == arms.Count;
            var anchor = hasTrailingComma ? arms.GetSeparator(arms.Count - 1).Span.End : last.Span.End;
            var sameLine = text.Lines.GetLineFromPosition(last.SpanStart).LineNumber == text.Lines.GetLineFromPosition(switchExpression.CloseBraceToken.SpanStart).LineNumber;
            var newLine = text.ToString().Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var insert = sameLine
                ? (hasTrailingComma ? " " : ", ") + arm + (hasTrailingComma ? "," : "")
                : (hasTrailingComma ? "" : ",") + newLine + NextEditSyntax.IndentationAt(text, last.SpanStart) + arm + ",";
            var root2 = root!;
            context.Propose(new ProposedEdit(document, new TextSpan(anchor, 0), insert,
                $"Add switch arm for `{enumType.Name}.{member.Name}`",
                $"`{enumType.Name}` has a new member `{member.Name}` that this switch does not handle", NextEditSource.Compiler, diagnostic,
                NextEditSyntax.ScopeOf(root2, switchExpression.Span)));
        }
    }
}
