using System.Collections.Frozen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

/// <summary>What the compiler says about a candidate: the new semantic errors it introduces, if any.</summary>
public sealed record CompileVerdict(bool Introduces, IReadOnlyList<string> NewErrors, TimeSpan Elapsed)
{
    public bool Valid => !Introduces;

    /// <summary>Decided by speculative binding against the cached semantic model, without a new compilation.</summary>
    public bool Speculative { get; init; }
}

/// <summary>
/// Checks a candidate suggestion with the compiler: applies it to the document and asks the semantic model of
/// that one document for errors inside the inserted text. Only errors that mean "this code is wrong" count
/// (unknown member, no such overload, wrong argument type …); syntax errors are expected — a suggestion is often
/// the first half of a statement — and so are errors the document already had.
/// </summary>
public static class SuggestionCompileCheck
{
    /// <summary>Semantic errors that a correct continuation does not produce, whatever comes after it.</summary>
    private static readonly FrozenSet<string> Decisive = new[]
    {
        "CS0103", // name does not exist in the current context
        "CS0117", // type does not contain a definition for member
        "CS1061", // type does not contain a definition and no accessible extension method
        "CS0246", // type or namespace not found
        "CS0234", // type or namespace does not exist in namespace
        "CS1501", // no overload takes N arguments
        "CS1503", // argument cannot convert
        "CS7036", // no argument given for a required parameter
        "CS1739", // no parameter named
        "CS0029", // cannot implicitly convert type
        "CS0266", // cannot implicitly convert type; an explicit conversion exists
        "CS0019", // operator cannot be applied to operands
        "CS0122", // inaccessible due to protection level
        "CS0120", // object reference required for non-static member
        "CS0176", // static member accessed with an instance reference
        "CS0428", // cannot convert method group
        "CS1955", // non-invocable member used like a method
        "CS0149", // method name expected
        "CS0200", // property or indexer is read only
        "CS0131", // left-hand side of an assignment must be a variable
    }.ToFrozenSet(StringComparer.Ordinal);

    public static Task<CompileVerdict> CheckAsync(Document document, int offset, string candidate, CancellationToken cancellationToken) =>
        CheckAsync(document, offset, candidate, CompileCheckMode.Speculative, cancellationToken);

    /// <summary>
    /// The check. <see cref="CompileCheckMode.Speculative"/> first binds the edited member speculatively against the
    /// unchanged document's semantic model (cached, shared with the context engine; the project's symbols are already
    /// bound there): when every name in the candidate binds and no operation in it is invalid, no decisive error can
    /// exist and the candidate is kept in a few milliseconds; a member its receiver's type does not have is
    /// sure to be rejected. Anything else is compiled for real — the document's
    /// compilation with the one tree replaced — to get the compiler's own errors.
    /// </summary>
    internal static async Task<CompileVerdict> CheckAsync(Document document, int offset, string candidate, CompileCheckMode mode, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var change = new TextChange(new TextSpan(offset, 0), candidate);
        var inserted = new TextSpan(offset, candidate.Length);
        SemanticModel? model;
        SyntaxNode? root;
        if (mode == CompileCheckMode.ForkedDocument)
        {
            // The reference: the workspace forks the solution (and reruns source generators) for the edited text.
            var edited = document.WithText(text.WithChanges(change));
            model = await edited.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            root = await edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var tree = await document.GetSyntaxTreeAsync(cancellationToken).ConfigureAwait(false);
            var baseModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (tree is null || baseModel is null) return new CompileVerdict(false, [], System.Diagnostics.Stopwatch.GetElapsedTime(started));
            var newTree = tree.WithChangedText(text.WithChanges(change));
            if (mode == CompileCheckMode.Speculative && SpeculativeCompileCheck.Check(baseModel, newTree, inserted, cancellationToken) is { } sure)
            {
                return new CompileVerdict(sure.Count > 0, sure, System.Diagnostics.Stopwatch.GetElapsedTime(started)) { Speculative = true };
            }
            model = baseModel.Compilation.ReplaceSyntaxTree(tree, newTree).GetSemanticModel(newTree);
            root = await newTree.GetRootAsync(cancellationToken).ConfigureAwait(false);
        }
        if (model is null) return new CompileVerdict(false, [], System.Diagnostics.Stopwatch.GetElapsedTime(started));

        // Bind the smallest enclosing member only: the rest of the document cannot change meaning.
        var scope = root?.FindNode(inserted, getInnermostNodeForTie: true).AncestorsAndSelf()
            .FirstOrDefault(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax)?.Span ?? inserted;
        var errors = model.GetDiagnostics(scope, cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && Decisive.Contains(d.Id) && d.Location.SourceSpan.IntersectsWith(inserted))
            .Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .Distinct()
            .ToList();
        return new CompileVerdict(errors.Count > 0, errors, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>How <see cref="SuggestionCompileCheck"/> gets its answer (the benchmark compares them; the product uses <see cref="Speculative"/>).</summary>
internal enum CompileCheckMode
{
    /// <summary>Speculative binding first, the replaced-tree compilation when that is not conclusive.</summary>
    Speculative,

    /// <summary>Always the compilation with the one tree replaced.</summary>
    ReplacedTree,

    /// <summary>The edited document forked through the workspace (the original implementation).</summary>
    ForkedDocument,
}
