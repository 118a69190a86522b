using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>
/// The fast half of the compile check: binds the edited member's new body speculatively against the semantic model
/// of the unchanged document, whose compilation has already bound the project's symbols — a few milliseconds instead
/// of a new compilation. It only ever answers "clean": every name in the inserted text binds to a symbol and no
/// operation there is invalid, of an error type, an impossible or explicit-only implicit conversion, or an assignment
/// to something that is not assignable. Then none of the compile check's decisive errors can be reported there.
/// Anything it is not sure of (the member's shape changed, a name does not bind, a syntax it does not model) goes to
/// the real compilation, which gives the compiler's own errors. Speculative models have no GetDiagnostics, hence this.
/// </summary>
internal static class SpeculativeCompileCheck
{
    /// <summary>The new errors it is sure of (empty: clean), or null when only a real compilation can tell.</summary>
    public static IReadOnlyList<string>? Check(SemanticModel model, SyntaxTree newTree, TextSpan inserted, CancellationToken cancellationToken)
    {
        try
        {
            return CheckCore(model, newTree, inserted, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Roslyn 5.12 throws (even a NullReferenceException) on some members it cannot speculate on; the real
            // compilation answers instead.
            return null;
        }
    }

    private static IReadOnlyList<string>? CheckCore(SemanticModel model, SyntaxTree newTree, TextSpan inserted, CancellationToken cancellationToken)
    {
        if (inserted.IsEmpty) return null;
        var newRoot = newTree.GetRoot(cancellationToken);
        var oldRoot = model.SyntaxTree.GetRoot(cancellationToken);
        var newMember = newRoot.FindNode(inserted, getInnermostNodeForTie: true).AncestorsAndSelf()
            .FirstOrDefault(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
        if (newMember is null || BodyOf(newMember) is not { } newBody || !newBody.Span.Contains(inserted)) return null;

        // The same member in the unchanged tree: it starts where the new one starts and, when the insertion left the
        // member's shape alone (no brace closing it early or swallowing the next member), ends shifted by the insertion.
        var oldMember = oldRoot.FindToken(newMember.SpanStart).Parent?.AncestorsAndSelf()
            .FirstOrDefault(n => n.SpanStart == newMember.SpanStart && n.RawKind == newMember.RawKind);
        if (oldMember is null || oldMember.Span.End + inserted.Length != newMember.Span.End) return null;
        if (BodyOf(oldMember) is not { } oldBody || !oldBody.Span.Contains(inserted.Start) || oldBody.RawKind != newBody.RawKind) return null;

        SemanticModel? found;
        var ok = newMember is BaseMethodDeclarationSyntax method
            ? model.TryGetSpeculativeSemanticModelForMethodBody(oldBody.SpanStart, method, out found)
            : model.TryGetSpeculativeSemanticModelForMethodBody(oldBody.SpanStart, (AccessorDeclarationSyntax)newMember, out found);
        if (!ok || found is not { } speculative) return null;

        var unbound = false;
        foreach (var node in newBody.DescendantNodes(inserted))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!node.Span.IntersectsWith(inserted)) continue;
            if (node is not SimpleNameSyntax name || speculative.GetSymbolInfo(name, cancellationToken) is { Symbol: not null }) continue;
            // A member the receiver's type does not have, with no candidate at all: the compiler reports CS1061/CS0117
            // whatever else is wrong, so that answer is sure. Any other unbound name needs the compiler.
            if (name is { Identifier.IsMissing: false, Parent: MemberAccessExpressionSyntax access } && access.Name == name &&
                speculative.GetSymbolInfo(name, cancellationToken).CandidateSymbols.IsEmpty &&
                speculative.GetTypeInfo(access.Expression, cancellationToken).Type is { TypeKind: not (TypeKind.Error or TypeKind.Dynamic) } receiverType)
            {
                var code = speculative.GetSymbolInfo(access.Expression, cancellationToken).Symbol is ITypeSymbol ? "CS0117" : "CS1061";
                return [$"{code}: '{receiverType.ToDisplayString()}' has no member '{name.Identifier.ValueText}'"];
            }
            unbound = true;
        }
        if (unbound) return null;

        if (speculative.GetOperation(newBody, cancellationToken) is not { } body) return null;
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (!operation.Syntax.Span.IntersectsWith(inserted)) continue;
            if (!IsClean(operation)) return null;
        }
        return [];
    }

    private static SyntaxNode? BodyOf(SyntaxNode member) => member switch
    {
        BaseMethodDeclarationSyntax method => (SyntaxNode?)method.Body ?? method.ExpressionBody,
        AccessorDeclarationSyntax accessor => (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody,
        _ => null,
    };

    private static bool IsClean(IOperation operation)
    {
        if (operation.Kind == OperationKind.Invalid || operation.Type is { TypeKind: TypeKind.Error }) return false;
        return operation switch
        {
            IConversionOperation conversion => conversion.Conversion.Exists && (!conversion.IsImplicit || conversion.Conversion.IsImplicit),
            ISimpleAssignmentOperation assignment => IsAssignable(assignment.Target),
            ICompoundAssignmentOperation compound => IsAssignable(compound.Target),
            ICoalesceAssignmentOperation coalesce => IsAssignable(coalesce.Target),
            IIncrementOrDecrementOperation increment => IsAssignable(increment.Target),
            IDeconstructionAssignmentOperation => false,
            _ => true,
        };
    }

    private static bool IsAssignable(IOperation target) => target switch
    {
        ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IArrayElementReferenceOperation or IDiscardOperation or IEventReferenceOperation => true,
        IPropertyReferenceOperation property => property.Property.SetMethod is not null || property.Property.ReturnsByRef,
        _ => false,
    };
}
