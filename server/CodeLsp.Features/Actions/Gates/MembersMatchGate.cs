using Microsoft.CodeAnalysis;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>The answer adds exactly the members asked for (by name), nothing public besides.</summary>
internal sealed class MembersMatchGate(IReadOnlyList<string> expected, SyntaxAnnotation parts) : IValidationGate
{
    public string Name => "members as asked";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var root = await candidate.Edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var names = root!.GetAnnotatedNodes(parts).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax>().Select(Declarations.NameOf).ToList();
        var extra = names.Except(expected).ToList();
        var missing = expected.Except(names).ToList();
        if (extra.Count == 0 && missing.Count == 0 && names.Count == expected.Count) return new GateVerdict(Name, true, string.Join(", ", names));
        return new GateVerdict(Name, false, $"{(missing.Count > 0 ? "missing " + string.Join(", ", missing) : "")}{(missing.Count > 0 && extra.Count > 0 ? "; " : "")}{(extra.Count > 0 ? "unexpected " + string.Join(", ", extra) : "")}{(missing.Count == 0 && extra.Count == 0 ? $"{names.Count} members for {expected.Count}" : "")}");
    }
}
