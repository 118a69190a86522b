namespace CodeLsp.Features.Actions.Gates;

/// <summary>The diagnostic the action was asked to remove no longer appears in the new code.</summary>
internal sealed class TargetDiagnosticGoneGate(IReadOnlyCollection<string> ids) : IValidationGate
{
    public string Name => "target diagnostic gone";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var node = await candidate.MarkedNodeAsync(cancellationToken).ConfigureAwait(false);
        if (node is null) return new GateVerdict(Name, false, "the new code was not found");
        var errors = await CompilerErrors.OfAsync(candidate.Edited, node.Span, cancellationToken).ConfigureAwait(false);
        var left = errors.Where(e => ids.Contains(e.Id) && e.Location.SourceSpan.IntersectsWith(node.Span)).ToList();
        return left.Count == 0
            ? new GateVerdict(Name, true, $"{string.Join(", ", ids)} gone")
            : new GateVerdict(Name, false, "still there: " + string.Join("; ", left.Take(2).Select(CompilerErrors.Describe)));
    }
}
