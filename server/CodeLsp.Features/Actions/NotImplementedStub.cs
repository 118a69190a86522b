using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.Actions;

/// <summary>Recognises members whose only body is <c>throw new NotImplementedException(...)</c> (what "Implement with AI" offers on).</summary>
internal static class NotImplementedStub
{
    public static bool CreatesNotImplemented(BaseObjectCreationExpressionSyntax creation) =>
        creation is ObjectCreationExpressionSyntax { Type: var type } && LastName(type) == "NotImplementedException";

    public static bool IsStub(MemberDeclarationSyntax member) => member switch
    {
        BaseMethodDeclarationSyntax method => OnlyThrows(method.Body, method.ExpressionBody),
        BasePropertyDeclarationSyntax property when property is PropertyDeclarationSyntax { ExpressionBody: { } arrow } => OnlyThrows(null, arrow),
        BasePropertyDeclarationSyntax { AccessorList.Accessors: { Count: > 0 } accessors } =>
            accessors.All(a => OnlyThrows(a.Body, a.ExpressionBody)),
        _ => false,
    };

    private static bool OnlyThrows(BlockSyntax? body, ArrowExpressionClauseSyntax? arrow)
    {
        if (body is { Statements: [ThrowStatementSyntax { Expression: BaseObjectCreationExpressionSyntax created }] }) return CreatesNotImplemented(created);
        if (arrow is { Expression: ThrowExpressionSyntax { Expression: BaseObjectCreationExpressionSyntax thrown } }) return CreatesNotImplemented(thrown);
        return false;
    }

    private static string LastName(TypeSyntax type) => type switch
    {
        QualifiedNameSyntax q => q.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
        SimpleNameSyntax s => s.Identifier.ValueText,
        _ => type.ToString(),
    };
}

/// <summary>Finding the declaration an action is about, from a position.</summary>
internal static class Declarations
{
    /// <summary>The innermost member (not a type or namespace) around <paramref name="position"/>.</summary>
    public static MemberDeclarationSyntax? MemberAt(SyntaxNode root, int position) =>
        TokenAt(root, position).Parent?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>()
            .FirstOrDefault(m => m is not BaseNamespaceDeclarationSyntax and not BaseTypeDeclarationSyntax and not DelegateDeclarationSyntax);

    /// <summary>The innermost declaration (member or type) around <paramref name="position"/>.</summary>
    public static MemberDeclarationSyntax? DeclarationAt(SyntaxNode root, int position) =>
        TokenAt(root, position).Parent?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>()
            .FirstOrDefault(m => m is not BaseNamespaceDeclarationSyntax);

    /// <summary>True when <paramref name="position"/> lies in the declaration's header: from its first token to where its body starts.</summary>
    public static bool InHeader(MemberDeclarationSyntax member, int position)
    {
        var end = member switch
        {
            BaseMethodDeclarationSyntax m => (m.Body?.SpanStart ?? m.ExpressionBody?.SpanStart ?? member.Span.End),
            BasePropertyDeclarationSyntax p => (p.AccessorList?.SpanStart ?? (p as PropertyDeclarationSyntax)?.ExpressionBody?.SpanStart ?? member.Span.End),
            TypeDeclarationSyntax t => t.OpenBraceToken.IsMissing || t.OpenBraceToken.Span.IsEmpty ? member.Span.End : t.OpenBraceToken.SpanStart,
            _ => member.Span.End,
        };
        return position >= member.SpanStart && position <= end;
    }

    public static bool HasDocComment(SyntaxNode member) =>
        member.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia));

    /// <summary>The whitespace before the member's first token on its line.</summary>
    public static string Indentation(Microsoft.CodeAnalysis.Text.SourceText text, SyntaxNode member)
    {
        var line = text.Lines.GetLineFromPosition(member.SpanStart);
        var start = line.Start;
        var end = start;
        while (end < member.SpanStart && text[end] is ' ' or '\t') end++;
        return text.ToString(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, end));
    }

    public static string NameOf(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax m => m.Identifier.ValueText,
        ConstructorDeclarationSyntax c => c.Identifier.ValueText,
        PropertyDeclarationSyntax p => p.Identifier.ValueText,
        EventDeclarationSyntax e => e.Identifier.ValueText,
        BaseTypeDeclarationSyntax t => t.Identifier.ValueText,
        IndexerDeclarationSyntax => "this[]",
        FieldDeclarationSyntax f => f.Declaration.Variables.FirstOrDefault()?.Identifier.ValueText ?? "field",
        _ => ParsesAsGateName(member),
    };

    private static string ParsesAsGateName(MemberDeclarationSyntax member) => Gates.ParsesAsGate.Describe(member);

    private static SyntaxToken TokenAt(SyntaxNode root, int position)
    {
        var token = root.FindToken(Math.Clamp(position, 0, Math.Max(0, root.FullSpan.End - 1)));
        // At the end of a line the caret sits just after the last token.
        if (position > 0 && token.SpanStart > position && token.GetPreviousToken() is { RawKind: not 0 } previous) return previous;
        return token;
    }
}
