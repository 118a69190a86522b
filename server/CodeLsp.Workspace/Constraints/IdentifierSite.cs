using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Constraints;

/// <summary>Where the compiler knows the whole list of identifiers that may come next.</summary>
public enum IdentifierSiteKind
{
    /// <summary>After <c>receiver.</c> (or <c>receiver?.</c>): the receiver's members, or a namespace's types and namespaces.</summary>
    Member,

    /// <summary>After <c>new </c>: the types that can be constructed (and namespaces and types to qualify them with).</summary>
    Creation,

    /// <summary>Where only a type can stand: <c>typeof(</c>, <c>default(</c>, <c>catch (</c>, <c>as </c>, a base list.</summary>
    Type,
}

/// <summary>
/// A site whose next identifier the compiler can list, read from syntax alone: <see cref="Start"/> is where the
/// identifier starts, <see cref="Typed"/> what of it the user already typed (the text from there to the cursor).
/// </summary>
public sealed record IdentifierSite(IdentifierSiteKind Kind, int Start, string Typed, SyntaxToken Anchor)
{
    /// <summary>The site at <paramref name="offset"/>, or null where the next identifier is not limited to a list.</summary>
    public static IdentifierSite? Find(SyntaxNode root, int offset)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (offset <= 0 || offset > root.FullSpan.End)
        {
            return null;
        }

        var token = root.FindToken(offset);
        if (offset <= token.SpanStart)
        {
            token = token.GetPreviousToken();
        }

        var start = offset;
        if (token.Span.End == offset && IsWordToken(token))
        {
            start = token.SpanStart;
            token = token.GetPreviousToken();
        }
        else if (token.Span.End > offset)
        {
            return null;
        }

        var typed = root.SyntaxTree.GetText().ToString(new Microsoft.CodeAnalysis.Text.TextSpan(start, offset - start));
        if (typed.StartsWith('@'))
        {
            return null;
        }

        var adjacent = token.Span.End == start;
        var kind = token.Kind() switch
        {
            SyntaxKind.DotToken when adjacent && token.Parent is MemberAccessExpressionSyntax or QualifiedNameSyntax or MemberBindingExpressionSyntax => IdentifierSiteKind.Member,
            SyntaxKind.NewKeyword when !adjacent && token.Parent is ExpressionSyntax => IdentifierSiteKind.Creation,
            SyntaxKind.OpenParenToken when token.Parent is TypeOfExpressionSyntax or DefaultExpressionSyntax or CatchDeclarationSyntax => IdentifierSiteKind.Type,
            SyntaxKind.AsKeyword when !adjacent && token.Parent is BinaryExpressionSyntax => IdentifierSiteKind.Type,
            SyntaxKind.ColonToken or SyntaxKind.CommaToken when token.Parent is BaseListSyntax => IdentifierSiteKind.Type,
            _ => (IdentifierSiteKind?)null,
        };
        return kind is { } k ? new IdentifierSite(k, start, typed, token) : null;
    }

    /// <summary>An identifier, or a keyword being typed as the start of one (<c>new in|</c> on the way to <c>int</c> or <c>Int32</c>).</summary>
    private static bool IsWordToken(SyntaxToken token) =>
        token.IsKind(SyntaxKind.IdentifierToken) ||
        SyntaxFacts.IsKeywordKind(token.Kind()) && token.Text.All(char.IsAsciiLetter);
}
