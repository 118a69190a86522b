using System.Text;
using CodeLsp.Features.Actions.Gates;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions;

/// <summary>
/// An action whose answer is the whole member, rewritten in place (Fix, Implement): the answer replaces the member,
/// keeping the member's own doc comment and surrounding trivia; the edit may touch only that member.
/// </summary>
internal abstract class MemberRewriteTarget(Document document, SourceText text, SemanticModel model, MemberDeclarationSyntax member)
    : ActionTarget(document, text)
{
    public MemberDeclarationSyntax Member { get; } = member;

    public SemanticModel Model { get; } = model;

    public ISymbol? Symbol { get; } = model.GetDeclaredSymbol(member);

    public override TextSpan Scope => Member.FullSpan;

    public string MemberName => Declarations.NameOf(Member);

    /// <summary>The member as the model sees it: without the leading doc comment, which the answer need not repeat.</summary>
    public string MemberText => Member.WithoutLeadingTrivia().ToFullString().TrimEnd();

    public override async Task<Splice> SpliceAsync(string answer, CancellationToken cancellationToken)
    {
        var code = Normalize(answer);
        var (verdict, parsed) = ParsesAsGate.Member(code, Member, Member.SyntaxTree.Options);
        if (parsed is null) return new Splice(verdict, null, code);
        var marker = new SyntaxAnnotation("codelsp.ai");
        var replacement = CandidateCleanup.Mark(
            parsed.WithLeadingTrivia(Member.GetLeadingTrivia()).WithTrailingTrivia(Member.GetTrailingTrivia()), marker);
        var root = await Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var edited = Document.WithSyntaxRoot(root!.ReplaceNode(Member, replacement));
        var (cleanup, cleaned) = await CandidateCleanup.RunAsync(edited, cancellationToken).ConfigureAwait(false);
        var shown = (await cleaned.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))?.GetAnnotatedNodes(marker).FirstOrDefault()?.ToFullString() ?? code;
        return cleanup.Passed
            ? new Splice(verdict, new Candidate(Document, cleaned, marker), shown)
            : new Splice(cleanup, null, code);
    }

    /// <summary>The answer as a member: hook for answers that come in pieces (a FIM body).</summary>
    protected virtual string Normalize(string answer) => FencedAnswer.Code(answer);

    /// <summary>What the model needs to know around the member: usings, the containing type's outline.</summary>
    protected string Facts()
    {
        var facts = new StringBuilder();
        var root = Member.SyntaxTree.GetCompilationUnitRoot();
        foreach (var u in root.Usings) facts.AppendLine(u.ToString());
        if (Symbol?.ContainingType is { } type)
        {
            facts.AppendLine();
            facts.AppendLine($"// The containing type ({type.ContainingNamespace?.ToDisplayString()}):");
            facts.AppendLine(SymbolSignatures.TypeHeader(type));
            facts.AppendLine("{");
            foreach (var other in SymbolSignatures.OutlineMembers(type).Take(40))
            {
                if (SymbolEqualityComparer.Default.Equals(other, Symbol)) continue;
                facts.Append("    ").AppendLine(other is IFieldSymbol field
                    ? $"{(field.IsStatic ? "static " : "")}{(field.IsReadOnly ? "readonly " : "")}{field.Type.ToDisplayString(SymbolSignatures.TypeFormat)} {field.Name};"
                    : SymbolSignatures.MemberWithSummary(other));
            }

            facts.AppendLine("}");
        }

        return facts.ToString();
    }

    protected IReadOnlyList<IValidationGate> CommonGates(params IValidationGate[] extra) =>
    [
        .. Symbol is null ? [] : new IValidationGate[] { new SignatureUnchangedGate(SignatureUnchangedGate.Of(Symbol)) },
        .. extra,
        new NoNewErrorsGate(),
        new EditInScopeGate(Scope),
    ];
}
