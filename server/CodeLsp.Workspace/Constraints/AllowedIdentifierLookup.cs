using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Constraints;

/// <summary>
/// The identifiers the compiler accepts at an <see cref="IdentifierSite"/>, whole names (not yet filtered by what was
/// typed). <see cref="AlternativeStarts"/>: characters that may come instead of a name (after <c>new </c>).
/// </summary>
public sealed record AllowedIdentifiers(IdentifierSite Site, IReadOnlyList<string> Names, string Description, TimeSpan Elapsed)
{
    public string AlternativeStarts { get; init; } = "";

    /// <summary>What remains of each name that starts with the typed text (empty for a name typed whole); empty when none does.</summary>
    public IReadOnlyList<string> Remainders(string typed) =>
        [.. Names.Where(n => n.StartsWith(typed, StringComparison.Ordinal)).Select(n => n[typed.Length..]).Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// Asks the compiler what may follow at a site: <c>SemanticModel.LookupSymbols</c> on the receiver's type (instance
/// members and every extension method in scope for a value, static members and nested types for a type, both for
/// <c>Color Color</c>), <c>LookupNamespacesAndTypes</c> for a namespace, after <c>new</c> and where a type is expected.
/// The binder's own lists: complete and accessibility-checked, so a constraint built on them never forbids valid code.
/// </summary>
public static class AllowedIdentifierLookup
{
    /// <summary>Type keywords that can be constructed or stand where a type is expected.</summary>
    private static readonly string[] PredefinedTypes =
        ["bool", "byte", "sbyte", "char", "decimal", "double", "float", "int", "uint", "nint", "nuint", "long", "ulong", "short", "ushort", "object", "string"];

    /// <summary>The names allowed at <paramref name="site"/> of <paramref name="document"/>; null when the compiler cannot say (an unbound or dynamic receiver).</summary>
    public static async Task<AllowedIdentifiers?> LookupAsync(Document document, IdentifierSite site, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(document);
        var clock = Stopwatch.StartNew();
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        return model is null ? null : await LookupAsync(model, site, clock, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The names allowed at <paramref name="site"/>, asked of <paramref name="model"/>: the document's model, or a
    /// speculative one whose bound member contains the site (its lookups answer as the full model's would).
    /// </summary>
    public static Task<AllowedIdentifiers?> LookupAsync(SemanticModel model, IdentifierSite site, CancellationToken ct) =>
        LookupAsync(model, site, Stopwatch.StartNew(), ct);

    private static async Task<AllowedIdentifiers?> LookupAsync(SemanticModel model, IdentifierSite site, Stopwatch clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(site);
        // The document's tree may differ from the one the site was read from: find the site again in this one.
        var root = await model.SyntaxTree.GetRootAsync(ct).ConfigureAwait(false);
        var anchor = root.FindToken(site.Anchor.SpanStart);
        if (anchor.RawKind != site.Anchor.RawKind || anchor.SpanStart != site.Anchor.SpanStart)
        {
            return null;
        }

        var found = site.Kind switch
        {
            IdentifierSiteKind.Member => Members(model, anchor, ct),
            IdentifierSiteKind.Creation => Creatable(model, anchor.Span.End),
            _ => TypeNames(model, anchor.Span.End),
        };
        if (found is not { } result)
        {
            return null;
        }

        var names = result.Names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new AllowedIdentifiers(site, names, result.Description, clock.Elapsed)
        {
            AlternativeStarts = site.Kind == IdentifierSiteKind.Creation ? "{[(" : "",
        };
    }

    private static (IEnumerable<string> Names, string Description)? Members(SemanticModel model, SyntaxToken dot, CancellationToken ct)
    {
        var receiver = dot.Parent switch
        {
            MemberAccessExpressionSyntax access => access.Expression,
            QualifiedNameSyntax qualified => qualified.Left,
            MemberBindingExpressionSyntax binding => binding.FirstAncestorOrSelf<ConditionalAccessExpressionSyntax>()?.Expression,
            _ => null,
        };
        if (receiver is null)
        {
            return null;
        }

        var position = dot.Span.End;
        if (receiver is BaseExpressionSyntax)
        {
            return (Named(model.LookupBaseMembers(position).Where(s => !s.IsStatic && s is not INamedTypeSymbol)), "members of the base class");
        }

        var symbol = model.GetSymbolInfo(receiver, ct).Symbol;
        var type = model.GetTypeInfo(receiver, ct).Type;
        if (symbol is null && receiver is NameSyntax && receiver.Parent is QualifiedNameSyntax)
        {
            // `order.` followed by `var x = 1;` parses as the declaration `order.var x = 1;`, where the receiver sits in
            // a type position and cannot bind: bind its text as an expression at the same place instead.
            var expression = SyntaxFactory.ParseExpression(receiver.ToString());
            symbol = model.GetSpeculativeSymbolInfo(receiver.SpanStart, expression, SpeculativeBindingOption.BindAsExpression).Symbol;
            type = model.GetSpeculativeTypeInfo(receiver.SpanStart, expression, SpeculativeBindingOption.BindAsExpression).Type;
            if (symbol is INamedTypeSymbol)
            {
                type = null;
            }
        }

        if (symbol is INamespaceSymbol ns)
        {
            return (Named(model.LookupNamespacesAndTypes(position, ns)), $"types and namespaces in {ns.ToDisplayString()}");
        }

        if (symbol is INamedTypeSymbol named && receiver is not InvocationExpressionSyntax && (type is null || SymbolEqualityComparer.Default.Equals(type, named)))
        {
            var statics = Named(model.LookupStaticMembers(position, named));
            // `Color Color`: a property or local named like its type makes both the type's static and the value's instance members valid.
            var sameNamedValue = receiver is IdentifierNameSyntax id &&
                model.LookupSymbols(receiver.SpanStart, name: id.Identifier.ValueText).Any(s => s is not INamedTypeSymbol && SymbolEqualityComparer.Default.Equals(ValueType(s), named));
            return sameNamedValue
                ? (statics.Concat(InstanceMembers(model, position, named)), $"static and instance members of {named.Name}")
                : (statics, $"static members of {named.Name}");
        }

        if (type is null or IErrorTypeSymbol || type.TypeKind == TypeKind.Dynamic || type is IPointerTypeSymbol)
        {
            return null;
        }

        if (dot.Parent is MemberBindingExpressionSyntax && type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            // `x?.` on an int? reaches the int.
            type = nullable.TypeArguments[0];
        }

        var instance = InstanceMembers(model, position, type);
        if (receiver is IdentifierNameSyntax name && ValueType(symbol) is INamedTypeSymbol valueType && valueType.Name == name.Identifier.ValueText)
        {
            // `Color Color` seen from the value's side.
            return (instance.Concat(Named(model.LookupStaticMembers(position, valueType))), $"instance and static members of {valueType.Name}");
        }

        return (instance, $"members of {type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}");
    }

    /// <summary>Instance members and the extension methods in scope that apply to <paramref name="type"/>, as the binder sees them.</summary>
    private static IEnumerable<string> InstanceMembers(SemanticModel model, int position, ITypeSymbol type) =>
        ScopeLookupCache.GetOrAdd(model, position, "instance members", type, () =>
            [.. Named(model.LookupSymbols(position, type, includeReducedExtensionMethods: true)
                .Where(s => s is not INamedTypeSymbol && (!s.IsStatic || s is IMethodSymbol { ReducedFrom: not null })))]);

    private static (IEnumerable<string> Names, string Description) Creatable(SemanticModel model, int position)
    {
        var names = ScopeLookupCache.GetOrAdd(model, position, "creatable", null, () => [.. Named(model.LookupNamespacesAndTypes(position).Where(symbol => symbol switch
        {
            INamespaceSymbol or IAliasSymbol => true,
            ITypeParameterSymbol parameter => parameter.HasConstructorConstraint || parameter.HasValueTypeConstraint || parameter.HasUnmanagedTypeConstraint,
            INamedTypeSymbol type => IsCreatable(model, position, type) || !type.GetTypeMembers().IsEmpty,
            _ => false,
        }))]);
        return (names.Concat(PredefinedTypes), "types that can be created here");
    }

    private static bool IsCreatable(SemanticModel model, int position, INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => !type.IsAbstract && !type.IsStatic && type.InstanceConstructors.Any(c => model.IsAccessible(position, c)),
        TypeKind.Struct or TypeKind.Delegate => true,
        _ => false,
    };

    private static (IEnumerable<string> Names, string Description) TypeNames(SemanticModel model, int position) =>
        (ScopeLookupCache.GetOrAdd(model, position, "types", null, () => [.. Named(model.LookupNamespacesAndTypes(position))]).Concat(PredefinedTypes), "types in scope");

    private static IEnumerable<string> Named(IEnumerable<ISymbol> symbols) =>
        symbols.Where(s => s.CanBeReferencedByName || s is IAliasSymbol).Select(s => s.Name).Where(n => n.Length > 0);

    private static ITypeSymbol? ValueType(ISymbol? symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        IPropertySymbol property => property.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };
}
