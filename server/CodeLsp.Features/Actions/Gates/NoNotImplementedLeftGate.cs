using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>An implementation that still throws NotImplementedException implements nothing.</summary>
internal sealed class NoNotImplementedLeftGate(Microsoft.CodeAnalysis.SyntaxAnnotation? parts = null) : IValidationGate
{
    public string Name => "implemented";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var root = await candidate.Edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var nodes = root!.GetAnnotatedNodes(parts ?? candidate.Marker).ToList();
        if (nodes.Count == 0) return new GateVerdict(Name, false, "the new code was not found");
        var stubs = nodes.SelectMany(n => n.DescendantNodes()).OfType<BaseObjectCreationExpressionSyntax>().Count(NotImplementedStub.CreatesNotImplemented);
        return stubs == 0
            ? new GateVerdict(Name, true, "no NotImplementedException left")
            : new GateVerdict(Name, false, $"still throws NotImplementedException ({stubs}×)");
    }
}
