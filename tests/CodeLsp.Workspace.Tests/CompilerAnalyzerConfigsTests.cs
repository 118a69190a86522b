using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests;

public sealed class CompilerAnalyzerConfigsTests
{
    public static TheoryData<string, string> Configurations => new()
    {
        // comments and blank lines go
        { "# a comment\n; another\n\nis_global = true\n", "is_global = true\n" },
        // analyzers' severities go, the compiler's stay (any case, spaces around the key)
        { "dotnet_diagnostic.CA1000.severity = warning\ndotnet_diagnostic.CS0168.severity = error\n", "dotnet_diagnostic.CS0168.severity = error\n" },
        { "  DOTNET_DIAGNOSTIC.SA1101.Severity=none\n dotnet_diagnostic.cs8602.severity = error\n", " dotnet_diagnostic.cs8602.severity = error\n" },
        { "dotnet_diagnostic.IDE0005.severity = warning\r\ndotnet_diagnostic.CSA1.severity = warning\r\n", "" },
        // everything else stays as written: sections, style and formatting options, analyzer options, generator inputs
        { "root = true\n[*.cs]\nindent_size = 4\ncsharp_style_var_for_built_in_types = true:warning\n", "root = true\n[*.cs]\nindent_size = 4\ncsharp_style_var_for_built_in_types = true:warning\n" },
        { "dotnet_code_quality.CA1000.api_surface = public\nbuild_property.RootNamespace = App\ndotnet_diagnostic.CA1000.other = x\n", "dotnet_code_quality.CA1000.api_surface = public\nbuild_property.RootNamespace = App\ndotnet_diagnostic.CA1000.other = x\n" },
        { "dotnet_analyzer_diagnostic.category-Style.severity = none\n", "dotnet_analyzer_diagnostic.category-Style.severity = none\n" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Pruning_keeps_what_the_compiler_formatter_and_generators_read(string text, string expected) =>
        Assert.Equal(expected, CompilerAnalyzerConfigs.Prune(text));

    [Fact]
    public async Task Projects_that_list_one_file_share_one_pruned_text_and_the_compiler_still_applies_its_severities()
    {
        var folder = Directory.CreateTempSubdirectory("codelsp-configs-");
        try
        {
            var path = Path.Combine(folder.FullName, "Library.globalconfig");
            await File.WriteAllTextAsync(path, "is_global = true\n# why the rule is off\ndotnet_diagnostic.CA1822.severity = none\ndotnet_diagnostic.CS0168.severity = error\n");
            var solution = new AdhocWorkspace().CurrentSolution;
            var ids = new List<ProjectId>();
            foreach (var name in new[] { "A", "B" })
            {
                var project = ProjectId.CreateNewId(name);
                ids.Add(project);
                solution = solution
                    .AddProject(project, name, name, LanguageNames.CSharp)
                    .WithProjectCompilationOptions(project, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
                    .AddMetadataReference(project, MetadataReference.CreateFromFile(typeof(object).Assembly.Location))
                    .AddDocument(DocumentId.CreateNewId(project), "C.cs", "class C { void M() { int unused; } }", filePath: Path.Combine(folder.FullName, name, "C.cs"))
                    .AddAnalyzerConfigDocuments([DocumentInfo.Create(DocumentId.CreateNewId(project), "Library.globalconfig", loader: new FileTextLoader(path, null), filePath: path)]);
            }

            solution = await CompilerAnalyzerConfigs.ApplyAsync(solution, CancellationToken.None);

            var texts = new List<SourceText>();
            foreach (var id in ids)
            {
                var project = solution.GetProject(id)!;
                texts.Add(await project.AnalyzerConfigDocuments.Single().GetTextAsync());
                var compilation = await project.GetCompilationAsync();
                var unused = compilation!.GetDiagnostics().Single(d => d.Id == "CS0168");
                Assert.Equal(DiagnosticSeverity.Error, unused.Severity);
            }
            Assert.Same(texts[0], texts[1]);
            Assert.Equal("is_global = true\ndotnet_diagnostic.CS0168.severity = error\n", texts[0].ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
