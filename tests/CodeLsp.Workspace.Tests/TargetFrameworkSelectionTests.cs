using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests;

public sealed class TargetFrameworkSelectionTests
{
    [Theory]
    [InlineData("net10.0", "net8.0")]
    [InlineData("net8.0", "netstandard2.1")]
    [InlineData("netstandard2.1", "netstandard2.0")]
    [InlineData("netstandard2.0", "net48")]
    [InlineData("net48", "net462")]
    [InlineData("net462", "net45")]
    [InlineData("net5.0", "netcoreapp3.1")]
    [InlineData("net8.0", "net8.0-windows")]
    [InlineData("net8.0-windows10.0.19041", "net7.0")]
    [InlineData("net45", "uap10.0")]
    public void Newer_frameworks_rank_above_older_ones(string newer, string older) =>
        Assert.True(TargetFrameworkSelection.Rank(newer).CompareTo(TargetFrameworkSelection.Rank(older)) > 0, $"{newer} should rank above {older}");

    [Theory]
    [InlineData("Polly.Core(net8.0)", "net8.0")]
    [InlineData("A (b)(netstandard2.0)", "netstandard2.0")]
    [InlineData("Warehouse.Domain", null)]
    [InlineData("(net8.0)", null)]
    public void The_target_framework_comes_from_the_instance_name(string name, string? expected) =>
        Assert.Equal(expected, TargetFrameworkSelection.TargetFrameworkOf(name));

    // Instances of one project; '!' marks an instance that loaded without references (a framework the SDK cannot build).
    [Theory]
    [InlineData("net8.0 net6.0 netstandard2.0 net472 net462", null, "net8.0")]
    [InlineData("netstandard2.0 net462 net8.0", null, "net8.0")]
    [InlineData("net8.0 net6.0 netstandard2.0 net472 net462", "netstandard2.0", "netstandard2.0")]
    [InlineData("net8.0 net6.0 netstandard2.0", "NET6.0", "net6.0")]
    [InlineData("net8.0 net6.0", "net9.0", "net8.0")]
    [InlineData("net8.0 net6.0! netstandard2.0", "net6.0", "net8.0")]
    [InlineData("net11.0! net10.0 net9.0", null, "net10.0")]
    [InlineData("net10.0-windows net10.0 net9.0", null, "net10.0")]
    [InlineData("net472 net48", null, "net48")]
    public void One_instance_is_kept_per_project(string instances, string? preferred, string expected)
    {
        var solution = new AdhocWorkspace().CurrentSolution;
        foreach (var tfm in instances.Split(' ')) solution = AddInstance(solution, "Lib", tfm.TrimEnd('!'), withReferences: !tfm.EndsWith('!'), out _);

        var result = TargetFrameworkSelection.KeepOnePerProject(solution, preferred);

        var kept = Assert.Single(result.Solution.Projects);
        Assert.Equal($"Lib({expected})", kept.Name);
        Assert.Equal(instances.Split(' ').Length - 1, result.Dropped);
        Assert.Single(result.Solution.GetDocumentIdsWithFilePath("/src/Lib/Class1.cs"));
    }

    [Fact]
    public void References_to_a_dropped_instance_point_at_the_kept_one()
    {
        var solution = new AdhocWorkspace().CurrentSolution;
        solution = AddInstance(solution, "Lib", "net8.0", true, out var lib8);
        solution = AddInstance(solution, "Lib", "netstandard2.0", true, out var libStandard);
        solution = AddInstance(solution, "App", "net8.0", true, out var app8);
        solution = AddInstance(solution, "App", "netstandard2.0", true, out var appStandard);
        solution = solution.AddProjectReference(app8, new ProjectReference(lib8)).AddProjectReference(appStandard, new ProjectReference(libStandard));
        // A single-target project whose design-time build picked the older instance.
        var tests = ProjectId.CreateNewId("Tests");
        solution = solution.AddProject(ProjectInfo.Create(tests, VersionStamp.Create(), "Tests", "Tests", LanguageNames.CSharp, filePath: "/src/Tests/Tests.csproj",
            projectReferences: [new ProjectReference(libStandard, [], false), new ProjectReference(appStandard)]));

        var result = TargetFrameworkSelection.KeepOnePerProject(solution, preferred: null);

        Assert.Equal(["App(net8.0)", "Lib(net8.0)", "Tests"], result.Solution.Projects.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal([lib8], result.Solution.GetProject(app8)!.ProjectReferences.Select(r => r.ProjectId));
        Assert.Equal([lib8, app8], result.Solution.GetProject(tests)!.ProjectReferences.Select(r => r.ProjectId));
        Assert.Equal(2, result.Dropped);
    }

    [Fact]
    public void A_solution_without_multi_targeted_projects_is_returned_as_is()
    {
        var solution = AddInstance(new AdhocWorkspace().CurrentSolution, "Lib", "net8.0", true, out _);
        var result = TargetFrameworkSelection.KeepOnePerProject(solution, "net6.0");
        Assert.Same(solution, result.Solution);
        Assert.Equal(0, result.Dropped);
    }

    private static Solution AddInstance(Solution solution, string name, string tfm, bool withReferences, out ProjectId id)
    {
        id = ProjectId.CreateNewId($"{name}({tfm})");
        MetadataReference[] references = withReferences ? [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)] : [];
        solution = solution.AddProject(ProjectInfo.Create(id, VersionStamp.Create(), $"{name}({tfm})", name, LanguageNames.CSharp,
            filePath: $"/src/{name}/{name}.csproj", metadataReferences: references));
        return solution.AddDocument(DocumentId.CreateNewId(id), "Class1.cs", SourceText.From("class C { }"), filePath: $"/src/{name}/Class1.cs");
    }
}
