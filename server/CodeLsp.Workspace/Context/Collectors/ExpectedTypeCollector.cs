using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>
/// Where the code expects a value of a known type (after <c>x = </c>, <c>== </c>, <c>return </c>, <c>case </c>,
/// or as an argument), what can produce one: the members of an expected enum, and the static members of an
/// expected type that return it (<c>Money.Zero</c>, <c>TimeSpan.FromSeconds</c>), those the solution uses most first.
/// </summary>
internal static class ExpectedTypeCollector
{
    public static void AddExpectedTypeMembers(ContextSite site, ContextItemList items)
    {
        var token = site.LeftToken;
        if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.End == site.Offset) token = token.GetPreviousToken();
        if (ExpectedType(site, token) is not INamedTypeSymbol expected || expected.SpecialType != SpecialType.None || expected.TypeKind is TypeKind.Error) return;
        if (expected.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && expected.TypeArguments[0] is INamedTypeSymbol inner) expected = inner;
        if (expected.TypeKind == TypeKind.Enum)
        {
            if (site.IsVisible(expected)) return;
            var (file, span) = site.SourceOf(expected);
            items.Add(new ContextItem(ContextItemKinds.ExpectedType, SymbolSignatures.EnumDeclaration(expected), file, span,
                $"the value expected after '{token.Text}' is a {expected.Name}", ContextScores.ExpectedEnum, false), "enum\u0000" + KeyOf(expected));
            return;
        }
        var members = expected.GetMembers()
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && Produces(m, expected))
            .Select((m, index) => (Member: m, Score: ContextScores.ExpectedTypeStatic - 0.002 * index + site.UsageScore(m)))
            .OrderByDescending(m => m.Score);
        var taken = 0;
        foreach (var (member, score) in members)
        {
            if (!MemberLookup.IsAccessible(site.Model, site.Offset, member)) continue;
            items.AddMember(site, ContextItemKinds.ExpectedType, member, score, $"a static member of {expected.Name}, the type expected after '{token.Text}'");
            if (++taken == MaxMembersPerType) break;
        }
    }

    private static bool Produces(ISymbol member, ITypeSymbol expected) => member switch
    {
        IFieldSymbol field => SymbolEqualityComparer.Default.Equals(field.Type, expected),
        IPropertySymbol property => SymbolEqualityComparer.Default.Equals(property.Type, expected),
        IMethodSymbol { MethodKind: MethodKind.Ordinary } method => SymbolEqualityComparer.Default.Equals(method.ReturnType, expected),
        _ => false,
    };

    /// <summary>The type the code expects right after <paramref name="token"/>, from the syntax around it and the binder.</summary>
    internal static ITypeSymbol? ExpectedType(ContextSite site, SyntaxToken token)
    {
        var model = site.Model;
        var ct = site.CancellationToken;
        switch (token.Kind())
        {
            case SyntaxKind.EqualsToken when token.Parent is AssignmentExpressionSyntax assignment:
                return model.GetTypeInfo(assignment.Left, ct).Type;
            case SyntaxKind.EqualsToken when token.Parent is EqualsValueClauseSyntax clause:
                return clause.Parent switch
                {
                    VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: false } declaration } => model.GetTypeInfo(declaration.Type, ct).Type,
                    PropertyDeclarationSyntax property => model.GetTypeInfo(property.Type, ct).Type,
                    ParameterSyntax { Type: { } type } => model.GetTypeInfo(type, ct).Type,
                    _ => null,
                };
            case SyntaxKind.EqualsEqualsToken or SyntaxKind.ExclamationEqualsToken when token.Parent is BinaryExpressionSyntax binary:
                return model.GetTypeInfo(binary.Left, ct).Type;
            case SyntaxKind.IsKeyword when token.Parent is IsPatternExpressionSyntax pattern:
                return model.GetTypeInfo(pattern.Expression, ct).Type;
            case SyntaxKind.CaseKeyword when token.Parent?.FirstAncestorOrSelf<SwitchStatementSyntax>() is { } switchStatement:
                return model.GetTypeInfo(switchStatement.Expression, ct).Type;
            case SyntaxKind.ReturnKeyword or SyntaxKind.EqualsGreaterThanToken when token.Parent is ReturnStatementSyntax or ArrowExpressionClauseSyntax:
                if (site.EnclosingSymbol is not IMethodSymbol method) return null;
                var returnType = method.ReturnType;
                // `async Task<T>`: the value returned is a T.
                if (method.IsAsync && returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } task) returnType = task.TypeArguments[0];
                return returnType;
            case SyntaxKind.OpenParenToken or SyntaxKind.CommaToken when token.Parent is ArgumentListSyntax arguments:
                var index = arguments.Arguments.GetSeparators().Count(s => s.SpanStart < site.Offset);
                var info = model.GetSymbolInfo(arguments.Parent!, ct);
                var candidates = info.Symbol is IMethodSymbol chosen ? [chosen] : info.CandidateSymbols.OfType<IMethodSymbol>().ToArray();
                return candidates.Select(c => c.Parameters.Length > index ? c.Parameters[index].Type : null).FirstOrDefault(t => t is not null);
            default:
                return null;
        }
    }
}
