using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// A member added to an interface, or an abstract member added to a class: every implementing (or deriving,
/// non-abstract) type that lacks it gets a stub that throws <c>NotImplementedException</c> (CS0535 / CS0534).
/// </summary>
internal sealed class MissingMemberRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.AbstractMemberAdded;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        var member = change.After;
        var owner = member.ContainingType;
        // Implementers are found in the solution before the edit (warm compilations) and mapped across it; the new
        // CS0535/CS0534 on the type, in the solution after, says whether the member is still missing there.
        var ownerBefore = (INamedTypeSymbol)change.Before;
        IEnumerable<INamedTypeSymbol> types = ownerBefore.TypeKind == TypeKind.Interface
            ? await SymbolFinder.FindImplementationsAsync(ownerBefore, context.Before, transitive: true, cancellationToken: ct).ConfigureAwait(false)
            : await SymbolFinder.FindDerivedClassesAsync(ownerBefore, context.Before, transitive: true, cancellationToken: ct).ConfigureAwait(false);
        foreach (var type in types.Where(t => !t.IsAbstract && t.TypeKind is TypeKind.Class or TypeKind.Struct).Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default))
        {
            TypeDeclarationSyntax? declaration = null;
            Document? document = null;
            foreach (var reference in type.DeclaringSyntaxReferences.OrderByDescending(r => (r.GetSyntax(ct) as TypeDeclarationSyntax)?.BaseList?.Types.Any(t => t.Type.ToString().Contains(owner.Name, StringComparison.Ordinal)) ?? false))
            {
                if (context.Before.GetDocument(reference.SyntaxTree) is not { } oldDocument || context.After.GetDocument(oldDocument.Id) is not { } newDocument) continue;
                if (!context.TryMapToAfter(oldDocument.Id, reference.Span, out var mapped)) continue;
                var newRoot = await newDocument.GetSyntaxRootAsync(ct).ConfigureAwait(false);
                declaration = newRoot?.FindNode(mapped, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>();
                document = newDocument;
                if (declaration is not null) break;
            }
            if (declaration is null || document is null) continue;
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var siteSpan = declaration.BaseList?.Span ?? declaration.Identifier.Span;
            var diagnostic = (await context.NewDiagnosticsAtAsync(document, declaration.Span, ct).ConfigureAwait(false))
                .FirstOrDefault(d => d.Id is "CS0535" or "CS0534" && d.GetMessage().Contains(member.Name, StringComparison.Ordinal));
            if (diagnostic is null) continue; // implemented already (or by a base type)
            var close = declaration.CloseBraceToken;
            var bodiless = close.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.None) && declaration.SemicolonToken.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SemicolonToken);
            if (close.IsMissing && !bodiless) continue;
            var stub = Stub(member, owner.TypeKind == TypeKind.Interface, model!, bodiless ? declaration.SemicolonToken.SpanStart : close.SpanStart);
            if (stub is null)
            {
                context.Explain(document, siteSpan, diagnostic?.Id, $"no stub for a {member.Kind} like `{member.Name}`");
                continue;
            }
            var newLine = NewLineOf(text);
            var reason = $"`{owner.Name}` has a new {(owner.TypeKind == TypeKind.Interface ? "member" : "abstract member")} `{member.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}`";
            if (bodiless)
            {
                // "record R(...) : I;" gets a body for the stub.
                var indent = NextEditSyntax.IndentationAt(text, declaration.SpanStart);
                context.Propose(new ProposedEdit(document, declaration.SemicolonToken.Span,
                    $"{newLine}{indent}{{{newLine}{indent}    {stub}{newLine}{indent}}}",
                    $"Implement `{member.Name}` in `{type.Name}`", reason, NextEditSource.Compiler, diagnostic, declaration.Span));
                continue;
            }
            var closeIndent = NextEditSyntax.IndentationAt(text, close.SpanStart);
            var memberIndent = declaration.Members.Count > 0 ? NextEditSyntax.IndentationAt(text, declaration.Members[^1].SpanStart) : closeIndent + "    ";
            var closeOnOwnLine = text.ToString(TextSpan.FromBounds(text.Lines.GetLineFromPosition(close.SpanStart).Start, close.SpanStart)).Trim().Length == 0;
            TextSpan span;
            string newText;
            if (closeOnOwnLine)
            {
                span = new TextSpan(text.Lines.GetLineFromPosition(close.SpanStart).Start, 0);
                newText = (declaration.Members.Count > 0 ? newLine : "") + memberIndent + stub + newLine;
            }
            else
            {
                span = TextSpan.FromBounds(close.GetPreviousToken().Span.End, close.SpanStart);
                newText = " " + stub + " ";
            }
            context.Propose(new ProposedEdit(document, span, newText,
                $"Implement `{member.Name}` in `{type.Name}`",
                reason, NextEditSource.Compiler, diagnostic, declaration.Span));
        }
    }

    private static string NewLineOf(SourceText text) => text.ToString().Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

    /// <summary>The member's declaration with a throwing body, types written as they would be at <paramref name="position"/>.</summary>
    internal static string? Stub(ISymbol member, bool forInterface, SemanticModel model, int position)
    {
        var exception = model.Compilation.GetTypeByMetadataName("System.NotImplementedException")?.ToMinimalDisplayString(model, position) ?? "System.NotImplementedException";
        var @throw = $"throw new {exception}()";
        var modifiers = forInterface ? "public " : Accessibility(member.DeclaredAccessibility) + "override ";
        string Type(ITypeSymbol t) => t.ToMinimalDisplayString(model, position);
        switch (member)
        {
            case IMethodSymbol method:
            {
                var builder = new StringBuilder(modifiers);
                builder.Append(method.ReturnsVoid ? "void" : Type(method.ReturnType)).Append(' ').Append(method.Name);
                if (method.TypeParameters.Length > 0) builder.Append('<').Append(string.Join(", ", method.TypeParameters.Select(t => t.Name))).Append('>');
                builder.Append('(').Append(string.Join(", ", method.Parameters.Select(p => Parameter(p, Type)))).Append(')');
                builder.Append(" => ").Append(@throw).Append(';');
                return builder.ToString();
            }
            case IPropertySymbol { IsIndexer: false } property:
                if (property.SetMethod is null) return $"{modifiers}{Type(property.Type)} {property.Name} => {@throw};";
                var setter = property.SetMethod.IsInitOnly ? "init" : "set";
                var getter = property.GetMethod is null ? "" : $"get => {@throw}; ";
                return $"{modifiers}{Type(property.Type)} {property.Name} {{ {getter}{setter} => {@throw}; }}";
            case IEventSymbol e when forInterface:
                return $"public event {Type(e.Type)} {e.Name};";
            default:
                return null;
        }
    }

    private static string Parameter(IParameterSymbol p, Func<ITypeSymbol, string> type)
    {
        var prefix = p.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", _ => "" } + (p.IsParams ? "params " : "");
        return $"{prefix}{type(p.Type)} {p.Name}";
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public ",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected ",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal ",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal ",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected ",
        _ => "",
    };
}
