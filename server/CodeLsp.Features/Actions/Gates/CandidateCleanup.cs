using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// Roslyn's clean-up over the new code only (the nodes carrying the formatter / simplifier / import annotations):
/// missing usings added, names simplified, formatted. Runs before the compiler gates, so they judge what would be written.
/// </summary>
internal static class CandidateCleanup
{
    public const string Name = "formatted, simplified, imports added";

    /// <summary>Annotates a new node for clean-up and as the candidate's marked node.</summary>
    public static TNode Mark<TNode>(TNode node, SyntaxAnnotation marker) where TNode : SyntaxNode =>
        node.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation, Simplifier.AddImportsAnnotation, marker);

    public static async Task<(GateVerdict Verdict, Document Document)> RunAsync(Document document, CancellationToken cancellationToken)
    {
        try
        {
            var imported = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            var simplified = await Simplifier.ReduceAsync(imported, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            var formatted = await Formatter.FormatAsync(simplified, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (new GateVerdict(Name, true, "ran"), formatted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (new GateVerdict(Name, false, $"Roslyn's clean-up failed: {e.Message}"), document);
        }
    }
}
