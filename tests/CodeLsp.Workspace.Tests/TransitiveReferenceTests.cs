using Microsoft.CodeAnalysis;
using Serilog;

namespace CodeLsp.Workspace.Tests;

public sealed class TransitiveReferenceTests
{
    [Fact]
    public async Task A_project_sees_the_types_of_projects_its_references_reference()
    {
        using var folder = Fixtures.Copy("Warehouse");
        using var host = new WorkspaceHost(Log.Logger);
        await host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None);

        // Warehouse.Cli references Services and Reporting only; both reference Domain.
        var cli = host.CurrentSolution.Projects.Single(p => p.Name == "Warehouse.Cli");
        var referenced = cli.ProjectReferences.Select(r => host.CurrentSolution.GetProject(r.ProjectId)!.Name).ToList();
        Assert.Contains("Warehouse.Domain", referenced);

        var seedData = cli.Documents.Single(d => d.Name == "SeedData.cs");
        var model = await seedData.GetSemanticModelAsync();
        var errors = model!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.Empty(errors);
    }
}
