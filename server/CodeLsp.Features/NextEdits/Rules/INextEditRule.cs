namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>One kind of follow-up: finds the sites a declaration change broke and proposes an edit (or a model site, or an explanation) for each.</summary>
internal interface INextEditRule
{
    bool Handles(EditKind kind);

    Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct);
}
