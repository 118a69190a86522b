using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// What an extension method's <c>this</c> parameter can receive, as far as a cheap test before the reduction cares:
/// any type (a type parameter, <c>object</c>, anything unusual), arrays, or the types whose definition, a base type's
/// or an interface's is <see cref="Definition"/> (a metadata-qualified name: <c>Polly.PolicyBuilder`1</c>). Read
/// when an assembly's extension methods are indexed (<see cref="MemberLookup"/>), never on a request: the test ran on
/// every candidate in scope for every type a request asked about (700–900 on Polly's test projects), and reading the
/// parameter decodes or binds the signature the first time (10–70 ms for a request's types, <c>codelsp bench context
/// Polly</c> with temporary instrumentation).
/// </summary>
internal readonly record struct ExtensionTarget(ExtensionTargetKind Kind, string? Definition)
{
    private static readonly ExtensionTarget Anything = new(ExtensionTargetKind.Any, null);

    /// <summary>
    /// Source methods' targets, per declaring tree and position. Reading the <c>this</c> parameter's type binds the
    /// method's signature, and a new compilation (an edit outside a method body, a file closed back to its text on
    /// disk) binds every signature again: ~0.1 ms each, 10–40 ms per request on a solution that declares a few
    /// hundred extension methods (Polly, <c>codelsp bench context</c>). The declaration's tree is the same object
    /// while its file is unchanged, and so is its answer. A type declared elsewhere that changes what the name binds
    /// to leaves the answer stale until the declaring file changes: the test only narrows the context's candidates,
    /// never what the compile check or the identifier constraint accept.
    /// </summary>
    private static readonly ConditionalWeakTable<SyntaxTree, ConcurrentDictionary<int, ExtensionTarget>> SourceTargets = new();

    public static ExtensionTarget Of(IMethodSymbol method)
    {
        if (method.DeclaringSyntaxReferences is [var declaration, ..])
        {
            return SourceTargets.GetValue(declaration.SyntaxTree, static _ => new ConcurrentDictionary<int, ExtensionTarget>())
                .GetOrAdd(declaration.Span.Start, static (_, m) => Read(m), method);
        }
        return Read(method);
    }

    private static ExtensionTarget Read(IMethodSymbol method) => method.Parameters.IsEmpty
        ? new(ExtensionTargetKind.None, null)
        : method.Parameters[0].Type switch
        {
            INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Object } => Anything,
            INamedTypeSymbol target => new(ExtensionTargetKind.Named, KeyOf(target.OriginalDefinition)),
            IArrayTypeSymbol => new(ExtensionTargetKind.Array, null),
            _ => Anything,
        };

    /// <summary>Whether a receiver whose definitions (its own, its base types', its interfaces', by <see cref="KeyOf"/>) are <paramref name="receiverDefinitions"/> might convert to this target.</summary>
    public bool MightReceive(ITypeSymbol receiver, IReadOnlySet<string> receiverDefinitions) => Kind switch
    {
        ExtensionTargetKind.None => false,
        ExtensionTargetKind.Any => true,
        ExtensionTargetKind.Array => receiver is IArrayTypeSymbol or ITypeParameterSymbol,
        _ => receiver is ITypeParameterSymbol or IErrorTypeSymbol || receiverDefinitions.Contains(Definition!),
    };

    /// <summary>A type definition's namespace, containing types and metadata name: the same for every compilation's symbol of it.</summary>
    public static string KeyOf(INamedTypeSymbol definition)
    {
        var key = new StringBuilder(definition.MetadataName);
        for (var outer = definition.ContainingType; outer is not null; outer = outer.ContainingType) key.Insert(0, '+').Insert(0, outer.MetadataName);
        for (var ns = definition.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace) key.Insert(0, '.').Insert(0, ns.Name);
        return key.ToString();
    }
}

internal enum ExtensionTargetKind
{
    /// <summary>Not an extension method's shape: nothing.</summary>
    None,
    Any,
    Array,
    Named,
}
