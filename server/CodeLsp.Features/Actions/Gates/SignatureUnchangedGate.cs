using Microsoft.CodeAnalysis;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>The member keeps its exact signature: name, accessibility, modifiers, return type, parameters.</summary>
internal sealed class SignatureUnchangedGate(string originalSignature) : IValidationGate
{
    public static readonly SymbolDisplayFormat Format = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Included,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters | SymbolDisplayGenericsOptions.IncludeTypeConstraints,
        memberOptions: SymbolDisplayMemberOptions.IncludeAccessibility | SymbolDisplayMemberOptions.IncludeModifiers |
                       SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeParameters |
                       SymbolDisplayMemberOptions.IncludeRef | SymbolDisplayMemberOptions.IncludeExplicitInterface,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName |
                          SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeDefaultValue |
                          SymbolDisplayParameterOptions.IncludeExtensionThis,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public string Name => "signature unchanged";

    public static string Of(ISymbol symbol) => symbol.ToDisplayString(Format);

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var node = await candidate.MarkedNodeAsync(cancellationToken).ConfigureAwait(false);
        var model = await candidate.Edited.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var symbol = node is null || model is null ? null : model.GetDeclaredSymbol(node, cancellationToken);
        if (symbol is null) return new GateVerdict(Name, false, "the new member declares nothing");
        var now = Of(symbol);
        return now == originalSignature
            ? new GateVerdict(Name, true, now)
            : new GateVerdict(Name, false, $"changed from '{originalSignature}' to '{now}'");
    }
}
