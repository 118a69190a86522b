using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Kinds;

/// <summary>
/// "Generate tests with AI": for a public method whose project a test project references, a new test file in that
/// project, in its framework (xUnit, NUnit or MSTest, read from its references). Offered only where such a project exists.
/// </summary>
internal sealed class GenerateTestsAction : IAiAction
{
    public AiActionKind Kind => AiActionKind.Tests;

    public string? Unsupported(EngineInfo engine) =>
        engine.SupportsChat ? null : $"needs an instruct model with a chat template; {engine.ModelName} only fills in the middle";

    public Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken)
    {
        if (Method(site) is not { } method || TestProjectFor(site.Document.Project) is not { } test) return Task.FromResult<ActionOffer?>(null);
        return Task.FromResult<ActionOffer?>(new ActionOffer($"Generate {test.Framework.Name} tests for {method.Identifier.ValueText} with AI", ActionKinds.TestsAi) { IsAi = true });
    }

    public async Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken)
    {
        if (Method(site) is not { } method) return "there is no public method here";
        if (TestProjectFor(site.Document.Project) is not { } test) return $"no xUnit, NUnit or MSTest project references {site.Document.Project.Name}";
        var model = await site.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(method, cancellationToken) is not { } symbol) return "the method declares no symbol";
        var path = NewFilePath(test.Project, symbol.ContainingType.Name);
        if (path is null) return $"the test project {test.Project.Name} has no folder on disk";
        return new Target(site.Document, site.Text, method, symbol, test.Project, test.Framework, path);
    }

    private static MethodDeclarationSyntax? Method(ActionSite site) =>
        Declarations.MemberAt(site.Root, site.Span.Start) is MethodDeclarationSyntax m && Declarations.InHeader(m, site.Span.Start) &&
        m.Modifiers.Any(t => t.ValueText == "public") && (m.Body is not null || m.ExpressionBody is not null)
            ? m
            : null;

    /// <summary>A project that references <paramref name="project"/> directly and a test framework; null when there is none.</summary>
    internal static (Project Project, TestFramework Framework)? TestProjectFor(Project project)
    {
        if (TestFramework.Of(project) is not null) return null;
        var solution = project.Solution;
        foreach (var id in solution.GetProjectDependencyGraph().GetProjectsThatDirectlyDependOnThisProject(project.Id).OrderBy(i => solution.GetProject(i)?.Name, StringComparer.Ordinal))
        {
            if (solution.GetProject(id) is { } candidate && TestFramework.Of(candidate) is { } framework) return (candidate, framework);
        }

        return null;
    }

    /// <summary><c>FooTests.cs</c> in the test project's folder, or <c>FooTests.AI.cs</c> (then AI2, AI3 …) when that name is taken.</summary>
    private static string? NewFilePath(Project test, string typeName)
    {
        var folder = test.FilePath is { } projectFile ? Path.GetDirectoryName(projectFile)
            : test.Documents.Select(d => d.FilePath).OfType<string>().Select(Path.GetDirectoryName).FirstOrDefault();
        if (folder is null) return null;
        var taken = test.Documents.Select(d => d.FilePath).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var suffix in new[] { "", ".AI" }.Concat(Enumerable.Range(2, 20).Select(i => $".AI{i}")))
        {
            var path = Path.Combine(folder, $"{typeName}Tests{suffix}.cs");
            if (!taken.Contains(path) && !File.Exists(path)) return path;
        }

        return null;
    }

    private sealed class Target(Document document, SourceText text, MethodDeclarationSyntax method, ISymbol symbol, Project test,
        TestFramework framework, string path) : ActionTarget(document, text)
    {
        public override TextSpan Scope => default;

        public override string Describe => $"{framework.Name} tests for {symbol.ContainingType.Name}.{symbol.Name}";

        public override IReadOnlyList<IValidationGate> Gates =>
        [
            new HasTestMethodGate(framework),
            new NoNewErrorsGate(),
            new EditInScopeGate(Scope),
        ];

        public override async Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken)
        {
            var type = symbol.ContainingType;
            var outline = string.Join("\n", SymbolSignatures.OutlineMembers(type).Where(m => m.DeclaredAccessibility == Accessibility.Public).Take(30)
                .Select(m => "    " + SymbolSignatures.MemberWithSummary(m)));
            var style = await StyleExampleAsync(cancellationToken).ConfigureAwait(false);
            var ns = test.DefaultNamespace ?? test.AssemblyName;
            var className = Path.GetFileNameWithoutExtension(path).Replace(".", "", StringComparison.Ordinal);
            var user = $"""
                namespace {type.ContainingNamespace.ToDisplayString()};
                {SymbolSignatures.TypeHeader(type)}
                {"{"}
                {outline}
                {"}"}
                The method to test:
                ```csharp
                {method.ToFullString().Trim()}
                ```
                {style}
                Write a {framework.Name} test file for `{type.Name}.{symbol.Name}`: `using {framework.Namespace};`, `using {type.ContainingNamespace.ToDisplayString()};`, namespace {ns}, a public class {className} with a few test methods marked [{framework.TestAttributes[0]}]. Use only public members shown above. Reply with the whole file.{FencedAnswer.Retry(previous)}
                """;
            var completion = await engine.ChatAsync(FencedAnswer.Request(user), Limits(options, 1024), cancellationToken).ConfigureAwait(false);
            return ModelAnswer.From(completion, completion.Text);
        }

        /// <summary>The start of one existing test file of the project, so the new one follows its style.</summary>
        private async Task<string> StyleExampleAsync(CancellationToken cancellationToken)
        {
            foreach (var candidate in test.Documents.Take(50))
            {
                var content = await candidate.GetTextAsync(cancellationToken).ConfigureAwait(false);
                var source = content.ToString();
                if (!framework.TestAttributes.Any(a => source.Contains($"[{a}", StringComparison.Ordinal))) continue;
                var lines = source.Split('\n').Take(30);
                return $"An existing test file of the project, for its style:\n```csharp\n{string.Join("\n", lines).TrimEnd()}\n```";
            }

            return "";
        }

        public override async Task<Splice> SpliceAsync(string answer, CancellationToken cancellationToken)
        {
            var code = FencedAnswer.Code(answer);
            var (verdict, unit) = ParsesAsGate.CompilationUnit(code, test.ParseOptions);
            if (unit is null) return new Splice(verdict, null, code);
            var marker = new SyntaxAnnotation("codelsp.ai");
            var project = test.Solution.WithDocumentText(Document.Id, Text).GetProject(test.Id)!;
            var added = project.AddDocument(Path.GetFileName(path), SourceText.From(code), folders: null, filePath: path);
            added = added.WithSyntaxRoot(CandidateCleanup.Mark(unit, marker));
            var (cleanup, cleaned) = await CandidateCleanup.RunAsync(added, cancellationToken).ConfigureAwait(false);
            var original = cleaned.Project.Solution.RemoveDocument(cleaned.Id).GetDocument(Document.Id)!;
            return new Splice(verdict, cleanup.Passed ? new Candidate(original, cleaned, marker) : null, code);
        }
    }
}
