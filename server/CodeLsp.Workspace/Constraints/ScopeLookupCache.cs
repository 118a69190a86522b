using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Constraints;

/// <summary>
/// The binder's scope-wide lookups (the members and extension methods of a type, the types that can be created),
/// kept per compilation and scope. They depend on the compilation (declarations, references), the file and
/// namespace declaration (using directives), the enclosing types (accessibility, nested types) and the type
/// parameters in scope — never on the statements around the caret. While the user types inside one body, every
/// keystroke's model is a speculative one over the same earlier compilation, so each question is answered once
/// there: the list of creatable types took ~20 ms at every <c>new </c> and a type's members 3–15 ms at every '.'
/// (<c>codelsp bench completion</c>, Debug log). Entries go with their compilation.
/// </summary>
internal static class ScopeLookupCache
{
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<string, IReadOnlyList<string>>> Answers = new();

    /// <summary>Answers asked so far that were not cached (for tests).</summary>
    internal static int Misses => Volatile.Read(ref s_misses);

    private static int s_misses;

    /// <summary>The answer to <paramref name="question"/> (about <paramref name="about"/>, when it concerns a type) at <paramref name="position"/>, computed once per compilation and scope.</summary>
    public static IReadOnlyList<string> GetOrAdd(SemanticModel model, int position, string question, ITypeSymbol? about, Func<IReadOnlyList<string>> answer)
    {
        var key = new StringBuilder(question).Append('|').Append(ScopeOf(model, position));
        if (about is not null) key.Append('|').Append(about.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).Append('@').Append(about.ContainingAssembly?.Identity.ToString());
        var answers = Answers.GetValue(model.Compilation, static _ => new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal));
        if (answers.TryGetValue(key.ToString(), out var known)) return known;
        Interlocked.Increment(ref s_misses);
        var computed = answer();
        answers.TryAdd(key.ToString(), computed);
        return computed;
    }

    /// <summary>
    /// What a scope-wide lookup at <paramref name="position"/> depends on within one compilation: the file, the
    /// innermost namespace declaration, and each enclosing symbol up to the namespace (types by name; methods, local
    /// functions and lambdas by their type parameters and constraints, which are types in scope).
    /// </summary>
    internal static string ScopeOf(SemanticModel model, int position)
    {
        var scope = new StringBuilder(model.SyntaxTree.FilePath);
        var token = model.SyntaxTree.GetRoot().FindToken(position);
        if (token.Parent?.FirstAncestorOrSelf<BaseNamespaceDeclarationSyntax>() is { } ns) scope.Append('@').Append(ns.SpanStart);
        for (var symbol = model.GetEnclosingSymbol(position); symbol is not null and not INamespaceSymbol; symbol = symbol.ContainingSymbol)
        {
            scope.Append('/');
            switch (symbol)
            {
                case INamedTypeSymbol type:
                    scope.Append(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
                    break;
                case IMethodSymbol method:
                    scope.Append(method.MethodKind).Append(':');
                    foreach (var parameter in method.TypeParameters) Describe(scope, parameter);
                    break;
                default:
                    scope.Append(symbol.Kind);
                    break;
            }
        }
        return scope.ToString();
    }

    private static void Describe(StringBuilder scope, ITypeParameterSymbol parameter)
    {
        scope.Append(parameter.Name).Append(parameter.HasConstructorConstraint ? "+new" : "").Append(parameter.HasValueTypeConstraint ? "+struct" : "")
            .Append(parameter.HasUnmanagedTypeConstraint ? "+unmanaged" : "").Append(parameter.HasReferenceTypeConstraint ? "+class" : "");
        foreach (var constraint in parameter.ConstraintTypes) scope.Append(':').Append(constraint.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
        scope.Append(',');
    }
}
