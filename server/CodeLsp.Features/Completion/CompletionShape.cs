using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>
/// Decides from the syntax tree whether a suggestion may span several lines: yes where a statement or member
/// starts (an empty line in a block, right after an opening brace), no in the middle of an expression or a line.
/// </summary>
public static class CompletionShape
{
    public static bool IsMultiLine(SyntaxTree tree, int offset)
    {
        var text = tree.GetText();
        var line = text.Lines.GetLineFromPosition(offset);
        var linePrefix = text.ToString(TextSpan.FromBounds(line.Start, offset));
        var lineSuffix = text.ToString(TextSpan.FromBounds(offset, line.End));
        if (lineSuffix.Trim().Length > 0 && lineSuffix.Trim() != "}") return false;

        var root = tree.GetRoot();
        var previous = offset == 0 ? default : root.FindToken(offset - 1, findInsideTrivia: false);
        if (previous.Span.End > offset) previous = previous.GetPreviousToken();
        if (IsInsideCommentOrString(root, offset)) return false;

        if (linePrefix.Trim().Length > 0)
        {
            // Text before the cursor on this line: multi-line only right after an opening brace.
            return linePrefix.TrimEnd().EndsWith('{');
        }
        // An empty line: multi-line where a statement or member may start.
        return previous.RawKind == 0 ||
               previous.IsKind(SyntaxKind.OpenBraceToken) ||
               previous.IsKind(SyntaxKind.CloseBraceToken) ||
               previous.IsKind(SyntaxKind.SemicolonToken) ||
               previous.IsKind(SyntaxKind.CloseBracketToken) && previous.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.AttributeListSyntax;
    }

    private static bool IsInsideCommentOrString(SyntaxNode root, int offset)
    {
        var trivia = root.FindTrivia(offset > 0 ? offset - 1 : 0);
        if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineCommentTrivia) ||
            trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia))
        {
            return trivia.Span.Contains(offset) || trivia.Span.End == offset;
        }
        var token = root.FindToken(offset);
        return token.Span.Start < offset && token.Span.End > offset &&
               (token.IsKind(SyntaxKind.StringLiteralToken) || token.IsKind(SyntaxKind.InterpolatedStringTextToken));
    }
}
