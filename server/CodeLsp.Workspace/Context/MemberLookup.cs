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

    private static readonly ConditionalWeakTable<IAssemblySymbol, (IMethodSymbol Method, string Namespace)[]> ExtensionIndex = new();

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
    /// <param name="usedNames">
    /// When given, extension methods of referenced packages and the framework whose name it accepts come too (the
    /// ones the solution calls: <c>services.AddScoped</c>, <c>value.ShouldBe</c>); each assembly is indexed once.
    /// </param>
    public static IEnumerable<(IMethodSymbol Reduced, bool FromSource)> ExtensionMethods(SemanticModel model, int position, ITypeSymbol receiver, Func<string, bool>? usedNames = null,
        IReadOnlySet<string>? namespacesInScope = null)
    {
        var inScope = namespacesInScope ?? NamespacesInScope(model, position);
        var compilation = model.Compilation;
        var assemblies = compilation.SourceModule.ReferencedAssemblySymbols.Where(a => usedNames is not null || a is ISourceAssemblySymbol).Prepend(compilation.Assembly);
        var linqReturned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            var fromSource = assembly is ISourceAssemblySymbol;
            foreach (var (method, ns) in ExtensionIndex.GetValue(assembly, IndexExtensionMethods))
            {
                if (!fromSource && !usedNames!(method.Name)) continue;
                if (!inScope.Contains(ns)) continue;
                // One overload per framework name, and the reduction (type inference) is the costly step: skip it early.
                if (!fromSource && linqReturned.Contains(method.Name)) continue;
                if (!MightApply(method, receiver) || !model.IsAccessible(position, method)) continue;
                if (method.ReduceExtensionMethod(receiver) is not { } reduced) continue;
                // One overload per framework operator: the model knows them; it needs to know that they apply here.
                if (!fromSource && !linqReturned.Add(method.Name)) continue;
                yield return (reduced, fromSource);
            }
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
            if (method.ReduceExtensionMethod(receiver) is { } reduced && seen.Add(method.Name)) yield return (reduced, false);
        }
    }

    /// <summary>
    /// A cheap test before the costly reduction (type inference): the receiver can convert to the extension's `this`
    /// type only when that type is a type parameter, object, or (by its definition) the receiver's type, a base type
    /// or an interface it implements.
    /// </summary>
    private static bool MightApply(IMethodSymbol method, ITypeSymbol receiver)
    {
        if (method.Parameters.IsEmpty) return false;
        switch (method.Parameters[0].Type)
        {
            case ITypeParameterSymbol:
                return true;
            case INamedTypeSymbol target:
                var definition = target.OriginalDefinition;
                if (definition.SpecialType == SpecialType.System_Object || receiver is ITypeParameterSymbol or IErrorTypeSymbol) return true;
                for (var type = receiver; type is not null; type = type.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, definition)) return true;
                }
                return receiver.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, definition));
            case IArrayTypeSymbol:
                return receiver is IArrayTypeSymbol or ITypeParameterSymbol;
            default:
                return true;
        }
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

    private static (IMethodSymbol Method, string Namespace)[] IndexExtensionMethods(IAssemblySymbol assembly)
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
        return [.. result];
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
