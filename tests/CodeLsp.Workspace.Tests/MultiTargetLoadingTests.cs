using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Tests;

/// <summary>
/// A project with three target frameworks, loaded through MSBuild with each load option. The fixture is not restored,
/// so only net10.0 (whose reference pack comes with the SDK) loads with references: a framework asked for that did
/// not load falls back to it.
/// </summary>
public sealed class MultiTargetLoadingTests
{
    [Theory]
    [InlineData(null, false, "App|Lib(net10.0)")]
    [InlineData("net9.0", false, "App|Lib(net10.0)")]
    [InlineData(null, true, "App|Lib(net10.0)|Lib(net9.0)|Lib(netstandard2.0)")]
    public async Task Multi_targeted_projects_load_once_unless_all_are_asked_for(string? targetFramework, bool all, string expected)
    {
        using var folder = Fixtures.Copy("MultiTarget");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        await host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None,
            new WorkspaceLoadOptions { TargetFramework = targetFramework, AllTargetFrameworks = all });

        var solution = host.CurrentSolution;
        Assert.Equal(expected, string.Join("|", solution.Projects.Select(p => p.Name).Order(StringComparer.Ordinal)));
        var app = solution.Projects.Single(p => p.Name == "App");
        var referenced = app.ProjectReferences.Select(r => solution.GetProject(r.ProjectId)!.Name).ToList();
        Assert.NotEmpty(referenced);
        Assert.All(referenced, name => Assert.StartsWith("Lib(", name, StringComparison.Ordinal));
        if (!all)
        {
            Assert.Single(solution.GetDocumentIdsWithFilePath(folder.File("Lib/Clock.cs")));
            var program = app.Documents.Single(d => d.Name == "Program.cs");
            var errors = (await program.GetSemanticModelAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.Empty(errors);
        }
    }
}
