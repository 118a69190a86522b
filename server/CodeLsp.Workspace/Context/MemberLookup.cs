using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Cheap versions of the binder's lookups. <c>SemanticModel.LookupSymbols</c> answers "everything in scope",
/// which walks every type of every imported namespace and tries every extension method in scope against the
/// receiver: tens of milliseconds per call on a real project. The context needs less: the members of one type
/// hierarchy, the extension methods declared in the solution (indexed once per assembly), a short list of LINQ
/// operators, and the locals declared around the caret (read from syntax).
/// </summary>
internal static class MemberLookup
{
    /// <summary>LINQ operators worth offering on sequences; the full Enumerable class has hundreds of overloads.</summary>
    private static readonly ImmutableHashSet<string> CommonLinqOperators = ImmutableHashSet.Create(StringComparer.Ordinal,
        "Where", "Select", "SelectMany", "Any", "All", "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault",
        "Count", "Sum", "Min", "Max", "MinBy", "MaxBy", "Average", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending",
        "GroupBy", "ToList", "ToArray", "ToDictionary", "ToHashSet", "Distinct", "Take", "Skip", "Concat", "Contains", "Aggregate", "Zip");

    private static readonly ConditionalWeakTable<IAssemblySymbol, Dictionary<string, (IMethodSymbol Method, int Order, ExtensionTarget Target)[]>> ExtensionIndex = new();

    /// <summary>Members of the type and its base types (interfaces: all base interfaces), nearest first, hidden names once.</summary>
    public static IEnumerable<(ISymbol Member, bool Inherited)> Members(ITypeSymbol type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var inherited = false;
        IEnumerable<ITypeSymbol> chain = type.TypeKind == TypeKind.Interface
            ? [type, .. type.AllInterfaces]
            : type is ITypeParameterSymbol parameter
                ? [.. parameter.ConstraintTypes, .. parameter.ConstraintTypes.SelectMany(c => c.AllInterfaces)]
                : Bases(type);
        foreach (var current in chain)
        {
            if (current.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType or SpecialType.System_Enum) break;
            var declaredHere = new List<string>();
            foreach (var member in current.GetMembers())
            {
                if (member.IsImplicitlyDeclared && member is not IFieldSymbol { ContainingType.TypeKind: TypeKind.Enum }) continue;
                if (!member.CanBeReferencedByName && member is not INamedTypeSymbol) continue;
                if (member is IMethodSymbol { MethodKind: not (MethodKind.Ordinary or MethodKind.DeclareMethod) }) continue;
                if (member.IsOverride || names.Contains(member.Name) && member is not IMethodSymbol) continue;
                declaredHere.Add(member.Name);
                yield return (member, inherited);
            }
            names.UnionWith(declaredHere);
            inherited = true;
        }
    }

    private static IEnumerable<ITypeSymbol> Bases(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType) yield return current;
    }

    /// <summary>
    /// Extension methods applicable to <paramref name="receiver"/> and in scope at <paramref name="position"/>, already
    /// reduced (their receiver parameter bound): the solution's own, plus common LINQ operators when System.Linq is imported.
    /// </summary>
    /// <param name="candidates">The extension methods in scope (<see cref="ExtensionsInScope"/>), listed once per request.</param>
    public static IEnumerable<(IMethodSymbol Reduced, bool FromSource)> ExtensionMethods(SemanticModel model, int position, ITypeSymbol receiver,
        IReadOnlyList<(IMethodSymbol Method, bool FromSource, ExtensionTarget Target)> candidates, IReadOnlySet<string> inScope)
    {
        var compilation = model.Compilation;
        var linqReturned = new HashSet<string>(StringComparer.Ordinal);
        var receiverDefinitions = Definitions(receiver);
        foreach (var (method, fromSource, target) in candidates)
        {
            // One overload per framework name, and the reduction (type inference) is the costly step: skip it early
            // (the target was read when the assembly was indexed: reading it binds the method's signature).
            if (!fromSource && linqReturned.Contains(method.Name)) continue;
            if (!target.MightReceive(receiver, receiverDefinitions) || !IsAccessible(model, position, method)) continue;
            if (Reduce(compilation, method, receiver) is not { } reduced) continue;
            // One overload per framework operator: the model knows them; it needs to know that they apply here.
            if (!fromSource && !linqReturned.Add(method.Name)) continue;
            yield return (reduced, fromSource);
        }
        if (!inScope.Contains("System.Linq") || receiver.SpecialType == SpecialType.System_String) yield break;
        if (!receiver.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) &&
            receiver.OriginalDefinition.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T) yield break;
        var linq = compilation.GlobalNamespace.GetNamespaceMembers().FirstOrDefault(n => n.Name == "System")?
            .GetNamespaceMembers().FirstOrDefault(n => n.Name == "Linq")?.GetTypeMembers("Enumerable").FirstOrDefault();
        if (linq is null) yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in linq.GetMembers())
        {
            // One overload per operator: the model knows LINQ; it needs to know that it applies here.
            if (member is not IMethodSymbol { IsExtensionMethod: true } method || !CommonLinqOperators.Contains(method.Name) || seen.Contains(method.Name) || linqReturned.Contains(method.Name)) continue;
            if (Reduce(compilation, method, receiver) is { } reduced && seen.Add(method.Name)) yield return (reduced, false);
        }
    }

    /// <summary>
    /// <c>SemanticModel.IsAccessible</c> with a fast path: a public member of public types (type arguments included)
    /// is accessible from anywhere, so the binder at the position is not needed; it is asked only about the rest.
    /// </summary>
    public static bool IsAccessible(SemanticModel model, int position, ISymbol symbol) =>
        symbol.DeclaredAccessibility == Accessibility.Public && (symbol.ContainingType is null || IsPublicEverywhere(symbol.ContainingType)) ||
        model.IsAccessible(position, symbol);

    private static bool IsPublicEverywhere(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => IsPublicEverywhere(array.ElementType),
        INamedTypeSymbol named => named.DeclaredAccessibility == Accessibility.Public &&
                                  (named.ContainingType is null || IsPublicEverywhere(named.ContainingType)) &&
                                  named.TypeArguments.All(IsPublicEverywhere),
        _ => false,
    };

    /// <summary>
    /// The definitions of the receiver's type, its base types and its interfaces, by <see cref="ExtensionTarget.KeyOf"/>:
    /// what an extension's `this` type can name for the receiver to convert to it (the cheap test before the costly
    /// reduction, <see cref="ExtensionTarget.MightReceive"/>).
    /// </summary>
    internal static HashSet<string> Definitions(ITypeSymbol receiver)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        // The receiver itself when it is a named type (an array or a type parameter is no extension's target by name).
        for (var type = receiver as INamedTypeSymbol ?? receiver.BaseType; type is not null; type = type.BaseType) set.Add(ExtensionTarget.KeyOf(type.OriginalDefinition));
        foreach (var type in receiver.AllInterfaces) set.Add(ExtensionTarget.KeyOf(type.OriginalDefinition));
        return set;
    }

    /// <summary>Namespaces whose extension methods are visible: usings (global ones too) and the enclosing namespaces.</summary>
    public static HashSet<string> NamespacesInScope(SemanticModel model, int position)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in model.GetImportScopes(position))
        {
            foreach (var import in scope.Imports)
            {
                if (import.NamespaceOrType is INamespaceSymbol ns) names.Add(ns.ToDisplayString());
            }
        }
        for (var ns = model.GetEnclosingSymbol(position)?.ContainingNamespace; ns is not null; ns = ns.ContainingNamespace)
            names.Add(ns.IsGlobalNamespace ? "<global namespace>" : ns.ToDisplayString());
        return names;
    }

    /// <summary>
    /// <c>ReduceExtensionMethod</c> (type inference: the costly step), remembered per receiver type and method, equal
    /// symbols sharing one answer (a binding after an edit constructs new instances of the same generic types; the
    /// speculative models do). Symbols are immutable, so an answer never goes stale: framework methods on framework
    /// types keep theirs across edits (a bounded table); anything that involves source is kept per compilation,
    /// weakly, so it goes with its compilation and a new compilation starts empty.
    /// </summary>
    internal static IMethodSymbol? Reduce(Compilation compilation, IMethodSymbol method, ITypeSymbol receiver)
    {
        if (FromMetadataOnly(receiver) && !method.Locations.Any(l => l.IsInSource))
        {
            if (MetadataReductions.TryGetValue((method, receiver), out var known)) return known;
            if (MetadataReductions.Count > MaxMetadataReductions) MetadataReductions.Clear();
            return MetadataReductions[(method, receiver)] = method.ReduceExtensionMethod(receiver);
        }
        var pairs = Reductions.GetValue(compilation, static _ => new(new MetadataPairComparer()));
        if (pairs.TryGetValue((method, receiver), out var reduced)) return reduced;
        return pairs[(method, receiver)] = method.ReduceExtensionMethod(receiver);
    }

    private const int MaxMetadataReductions = 50_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IMethodSymbol Method, ITypeSymbol Receiver), IMethodSymbol?> MetadataReductions =
        new(new MetadataPairComparer());

    private sealed class MetadataPairComparer : IEqualityComparer<(IMethodSymbol Method, ITypeSymbol Receiver)>
    {
        public bool Equals((IMethodSymbol Method, ITypeSymbol Receiver) x, (IMethodSymbol Method, ITypeSymbol Receiver) y) =>
            SymbolEqualityComparer.IncludeNullability.Equals(x.Method, y.Method) && SymbolEqualityComparer.IncludeNullability.Equals(x.Receiver, y.Receiver);

        public int GetHashCode((IMethodSymbol Method, ITypeSymbol Receiver) pair) =>
            HashCode.Combine(SymbolEqualityComparer.Default.GetHashCode(pair.Method), SymbolEqualityComparer.Default.GetHashCode(pair.Receiver));
    }

    /// <summary>
    /// A type none of whose parts (element types, type arguments, containers) is declared in source: such symbols hold
    /// no compilation (a project reference's symbols seen through another framework's reference are source too).
    /// </summary>
    private static bool FromMetadataOnly(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => FromMetadataOnly(array.ElementType),
        INamedTypeSymbol named => named.ContainingAssembly is not (null or ISourceAssemblySymbol) && !named.Locations.Any(l => l.IsInSource) &&
                                  named.TypeArguments.All(FromMetadataOnly) && (named.ContainingType is null || FromMetadataOnly(named.ContainingType)),
        _ => false,
    };

    private static readonly ConditionalWeakTable<Compilation, System.Collections.Concurrent.ConcurrentDictionary<(IMethodSymbol Method, ITypeSymbol Receiver), IMethodSymbol?>> Reductions = new();

    /// <summary>
    /// The extension methods in the namespaces in scope, in declaration order: the solution's own (this project's and
    /// its references'), plus, when <paramref name="usage"/> is given, those of referenced packages and the framework
    /// whose names the solution uses (the ones it calls: <c>services.AddScoped</c>, <c>value.ShouldBe</c>). Each
    /// assembly is indexed once, by namespace; a request lists them once and tries them against each type it asks about.
    /// </summary>
    public static IReadOnlyList<(IMethodSymbol Method, bool FromSource, ExtensionTarget Target)> ExtensionsInScope(Compilation compilation, IReadOnlySet<string> inScope, UsageIndex? usage)
    {
        var result = new List<(IMethodSymbol Method, bool FromSource, ExtensionTarget Target)>();
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols.Where(a => usage is not null || a is ISourceAssemblySymbol).Prepend(compilation.Assembly))
        {
            var fromSource = assembly is ISourceAssemblySymbol;
            foreach (var (method, target) in Candidates(ExtensionIndex.GetValue(assembly, IndexExtensionMethods), inScope, fromSource ? null : usage))
                result.Add((method, fromSource, target));
        }
        return result;
    }

    /// <summary>
    /// The extension methods of one assembly in the namespaces in scope, in declaration order, those whose names the
    /// solution uses when <paramref name="usage"/> is given. No cache keyed on the used names: an edit that types a
    /// new name changes that set at nearly every keystroke, and reading a few namespaces' lists costs microseconds.
    /// </summary>
    private static IEnumerable<(IMethodSymbol Method, ExtensionTarget Target)> Candidates(Dictionary<string, (IMethodSymbol Method, int Order, ExtensionTarget Target)[]> index,
        IReadOnlySet<string> inScope, UsageIndex? usage)
    {
        List<(IMethodSymbol Method, int Order, ExtensionTarget Target)>? found = null;
        foreach (var ns in inScope)
        {
            if (!index.TryGetValue(ns, out var methods)) continue;
            (found ??= []).AddRange(methods);
        }
        if (found is null) return [];
        found.Sort((a, b) => a.Order.CompareTo(b.Order));
        if (usage is null) return found.Select(f => (f.Method, f.Target));
        var used = usage.Used(found.Select(f => f.Method.Name));
        return found.Where((_, i) => used[i]).Select(f => (f.Method, f.Target));
    }

    /// <summary>The extension methods an assembly declares, by namespace, each with its place in declaration order and its <see cref="ExtensionTarget"/>.</summary>
    private static Dictionary<string, (IMethodSymbol Method, int Order, ExtensionTarget Target)[]> IndexExtensionMethods(IAssemblySymbol assembly)
    {
        var result = new List<(IMethodSymbol Method, string Namespace)>();
        var pending = new Stack<INamespaceSymbol>();
        pending.Push(assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var ns = pending.Pop();
            foreach (var child in ns.GetNamespaceMembers()) pending.Push(child);
            foreach (var type in ns.GetTypeMembers())
            {
                if (!type.MightContainExtensionMethods) continue;
                foreach (var member in type.GetMembers())
                {
                    if (member is IMethodSymbol { IsExtensionMethod: true } method) result.Add((method, method.ContainingNamespace.ToDisplayString()));
                }
            }
        }
        return result.Select((r, order) => (r.Method, r.Namespace, Order: order)).GroupBy(r => r.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => (r.Method, r.Order, ExtensionTarget.Of(r.Method))).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Locals and parameters usable at the caret, read from the syntax around it (innermost first) and resolved one
    /// declaration at a time: parameters of the enclosing methods and lambdas, locals declared before the caret in
    /// every enclosing block, loop and using variables, catch variables, pattern and out variables, query variables.
    /// </summary>
    public static IReadOnlyList<ISymbol> LocalsInScope(SemanticModel model, SyntaxToken leftToken, int offset, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var levels = new List<List<ISymbol>>();
        for (var node = leftToken.Parent; node is not null; node = node.Parent)
        {
            IEnumerable<SyntaxNode> declarations = node switch
            {
                BlockSyntax block => DeclaredBefore(block.Statements, offset),
                SwitchSectionSyntax section => DeclaredBefore(section.Statements, offset).Concat(section.Labels.SelectMany(Designations)),
                CompilationUnitSyntax unit => DeclaredBefore(unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement), offset),
                BaseMethodDeclarationSyntax method => method.ParameterList.Parameters,
                LocalFunctionStatementSyntax function => function.ParameterList.Parameters,
                ParenthesizedLambdaExpressionSyntax lambda => lambda.ParameterList.Parameters,
                SimpleLambdaExpressionSyntax lambda => [lambda.Parameter],
                AnonymousMethodExpressionSyntax { ParameterList: { } list } => list.Parameters,
                IndexerDeclarationSyntax indexer => indexer.ParameterList.Parameters,
                TypeDeclarationSyntax { ParameterList: { } primary } => primary.Parameters,
                ForEachStatementSyntax forEach when forEach.Statement.FullSpan.Contains(offset) => [forEach],
                ForEachVariableStatementSyntax forEach when forEach.Statement.FullSpan.Contains(offset) => Designations(forEach.Variable),
                ForStatementSyntax { Declaration: { } declaration } => declaration.Variables,
                UsingStatementSyntax { Declaration: { } declaration } => declaration.Variables,
                FixedStatementSyntax fixedStatement => fixedStatement.Declaration.Variables,
                CatchClauseSyntax { Declaration: { } declaration } catchClause when catchClause.Block.FullSpan.Contains(offset) => [declaration],
                IfStatementSyntax ifStatement when ifStatement.Condition.Span.End <= offset => Designations(ifStatement.Condition),
                WhileStatementSyntax whileStatement when whileStatement.Condition.Span.End <= offset => Designations(whileStatement.Condition),
                QueryExpressionSyntax query => QueryVariables(query),
                _ => [],
            };
            var level = new List<ISymbol>();
            foreach (var declaration in declarations)
            {
                if (declaration.SpanStart >= offset) continue;
                var symbol = model.GetDeclaredSymbol(declaration, ct);
                if (symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol && seen.Add(symbol.Name)) level.Add(symbol);
            }
            if (level.Count > 0) levels.Add(level);
            if (node is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or TypeDeclarationSyntax) break;
        }
        // Outermost scope first, each in declaration order: how the code reads.
        levels.Reverse();
        return [.. levels.SelectMany(l => l)];
    }

    private static IEnumerable<SyntaxNode> DeclaredBefore(IEnumerable<StatementSyntax> statements, int offset)
    {
        foreach (var statement in statements)
        {
            if (statement.SpanStart >= offset) yield break;
            switch (statement)
            {
                case LocalDeclarationStatementSyntax local:
                    foreach (var variable in local.Declaration.Variables) yield return variable;
                    foreach (var designation in local.Declaration.Variables.SelectMany(v => v.Initializer is null ? [] : Designations(v.Initializer))) yield return designation;
                    break;
                case ExpressionStatementSyntax or ReturnStatementSyntax or ThrowStatementSyntax:
                    foreach (var designation in Designations(statement)) yield return designation;
                    break;
                case IfStatementSyntax ifStatement when ifStatement.Span.End <= offset:
                    // `if (x is not Foo f) return;` leaves f in scope after the statement.
                    foreach (var designation in Designations(ifStatement.Condition)) yield return designation;
                    break;
            }
        }
    }

    /// <summary>Pattern and out variables in an expression, not looking into lambdas.</summary>
    private static IEnumerable<SyntaxNode> Designations(SyntaxNode node) =>
        node.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BlockSyntax))
            .OfType<SingleVariableDesignationSyntax>();

    private static IEnumerable<SyntaxNode> QueryVariables(QueryExpressionSyntax query)
    {
        yield return query.FromClause;
        foreach (var clause in query.Body.Clauses)
        {
            switch (clause)
            {
                case FromClauseSyntax or LetClauseSyntax or JoinClauseSyntax:
                    yield return clause;
                    break;
            }
        }
    }
}
