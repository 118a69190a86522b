using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Reads ahead the documentation of the referenced assemblies a document imports from: the core library and every
/// assembly contributing to a namespace of its using directives (the project's global usings included). The
/// context's member summaries come from these files, and the first summary read from a file indexes all of it
/// (System.Runtime.xml is 7.6 MB: ~15 ms), which otherwise a keystroke paid for, at the first overload list of a
/// framework constructor. Called when a document is opened, beside the preparation of its context.
/// </summary>
public static class ImportedDocumentation
{
    /// <summary>At most this many assemblies per document (the core library first).</summary>
    internal const int MaxAssemblies = 24;

    /// <summary>The assemblies whose documentation is read, in order (for tests).</summary>
    internal static IReadOnlyList<IAssemblySymbol> Assemblies(Compilation compilation, SyntaxNode root)
    {
        var found = new List<IAssemblySymbol>();
        void Add(IAssemblySymbol? assembly)
        {
            if (assembly is not null && found.Count < MaxAssemblies && !ReferenceEquals(assembly, compilation.Assembly) &&
                !found.Contains(assembly, SymbolEqualityComparer.Default))
                found.Add(assembly);
        }

        Add(compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly);
        var imported = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>()
            .Concat(compilation.SyntaxTrees.SelectMany(t => t.GetRoot() is CompilationUnitSyntax unit ? unit.Usings.Where(u => u.GlobalKeyword != default) : []));
        foreach (var directive in imported)
        {
            if (directive.Alias is not null || directive.StaticKeyword != default || directive.Name is null) continue;
            if (Namespace(compilation.GlobalNamespace, directive.Name.ToString()) is not { } ns) continue;
            foreach (var constituent in ns.ConstituentNamespaces) Add(constituent.ContainingAssembly);
        }
        return found;
    }

    /// <summary>Reads the documentation of each assembly <see cref="Assemblies"/> lists; stops when <paramref name="stop"/> says so (a request came).</summary>
    public static async Task WarmAsync(Document document, Func<bool> stop, CancellationToken ct)
    {
        if (!document.SupportsSemanticModel || await document.Project.GetCompilationAsync(ct).ConfigureAwait(false) is not { } compilation ||
            await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) is not { } root) return;
        foreach (var assembly in Assemblies(compilation, root))
        {
            if (stop()) return;
            ct.ThrowIfCancellationRequested();
            // Any documented member will do: the provider indexes the whole file on the first question.
            if (FirstPublicType(assembly.GlobalNamespace) is { } type) _ = SymbolSignatures.Summary(type);
        }
    }

    private static INamespaceSymbol? Namespace(INamespaceSymbol global, string dottedName)
    {
        var current = global;
        foreach (var part in dottedName.Split('.'))
        {
            current = current.GetNamespaceMembers().FirstOrDefault(n => n.Name == part.Trim());
            if (current is null) return null;
        }
        return current;
    }

    private static INamedTypeSymbol? FirstPublicType(INamespaceSymbol ns)
    {
        var pending = new Stack<INamespaceSymbol>([ns]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.GetTypeMembers().FirstOrDefault(t => t.DeclaredAccessibility == Accessibility.Public) is { } type) return type;
            foreach (var child in current.GetNamespaceMembers()) pending.Push(child);
        }
        return null;
    }
}
