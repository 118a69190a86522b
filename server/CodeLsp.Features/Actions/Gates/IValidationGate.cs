using Microsoft.CodeAnalysis;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// A model's answer spliced into the workspace: <see cref="Edited"/> is the changed document (or, for a new file, the
/// added document), its new part marked with <see cref="Marker"/>; <see cref="Original"/> is the document the action was asked on.
/// </summary>
internal sealed record Candidate(Document Original, Document Edited, SyntaxAnnotation Marker)
{
    public bool IsNewFile => Edited.Id != Original.Id;

    public async Task<SyntaxNode?> MarkedNodeAsync(CancellationToken cancellationToken)
    {
        var root = await Edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root?.GetAnnotatedNodes(Marker).FirstOrDefault();
    }
}

/// <summary>One check a candidate must pass before anything is written. Each gate is one small type.</summary>
internal interface IValidationGate
{
    string Name { get; }

    Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken);
}
