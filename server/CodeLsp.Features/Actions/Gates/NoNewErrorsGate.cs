namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// No compiler error that the document did not have before (compared by id and message, as a multiset). For a new
/// file every error in it is new: it is compiled as part of its project, so clashes with the project count too.
/// </summary>
internal sealed class NoNewErrorsGate : IValidationGate
{
    public string Name => "no new errors";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var after = await CompilerErrors.OfAsync(candidate.Edited, null, cancellationToken).ConfigureAwait(false);
        var before = candidate.IsNewFile ? [] : await CompilerErrors.OfAsync(candidate.Original, null, cancellationToken).ConfigureAwait(false);
        var remaining = before.GroupBy(CompilerErrors.Key).ToDictionary(g => g.Key, g => g.Count());
        var introduced = new List<Microsoft.CodeAnalysis.Diagnostic>();
        foreach (var error in after)
        {
            var key = CompilerErrors.Key(error);
            if (remaining.TryGetValue(key, out var count) && count > 0) remaining[key] = count - 1;
            else introduced.Add(error);
        }

        return introduced.Count == 0
            ? new GateVerdict(Name, true, $"{after.Count} error(s) before and after")
            : new GateVerdict(Name, false, string.Join("; ", introduced.Take(3).Select(CompilerErrors.Describe)) +
                (introduced.Count > 3 ? $" (and {introduced.Count - 3} more)" : ""));
    }
}
