using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests;

public sealed class SettleTests
{
    [Fact]
    public async Task Settling_finishes_the_compilations_an_edit_left_in_progress_and_builds_no_other()
    {
        using var folder = Fixtures.Copy("Warehouse");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        await host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None);
        // Domain and Services (which references it) were asked for; Reporting, Purchasing and the CLI never were.
        var before = await CompileAsync(host, "Warehouse.Domain", "Warehouse.Services");

        var path = Path.Combine(folder.Path, "src", "Warehouse.Domain", "Catalog", "Sku.cs");
        var text = SourceText.From(await File.ReadAllTextAsync(path));
        host.GetDocument(new Uri(path), text.WithChanges(new TextChange(new TextSpan(text.Length, 0), "\n// typed\n")));
        Assert.Equal(["Warehouse.Cli", "Warehouse.Domain", "Warehouse.Purchasing", "Warehouse.Reporting", "Warehouse.Services"], Compiled(host, compiled: false));

        await host.SettleAsync(CancellationToken.None);

        Assert.Equal(["Warehouse.Domain", "Warehouse.Services"], Compiled(host, compiled: true));
        // The snapshot now holds new compilations, with the edit; nothing in it refers to the ones from before.
        foreach (var project in host.CurrentSolution.Projects.Where(p => p.TryGetCompilation(out _)))
        {
            project.TryGetCompilation(out var now);
            Assert.DoesNotContain(before, old => ReferenceEquals(old, now));
            Assert.DoesNotContain(before, old => now!.References.OfType<CompilationReference>().Any(r => ReferenceEquals(r.Compilation, old)));
        }
        var domain = await host.CurrentSolution.Projects.Single(p => p.Name == "Warehouse.Domain").GetCompilationAsync();
        Assert.Contains(domain!.SyntaxTrees,
            tree => tree.FilePath == path && tree.ToString().EndsWith("// typed\n", StringComparison.Ordinal));
    }

    private static async Task<List<Compilation>> CompileAsync(WorkspaceHost host, params string[] names)
    {
        var compilations = new List<Compilation>();
        foreach (var project in host.CurrentSolution.Projects.Where(p => names.Contains(p.Name)))
        {
            var compilation = await project.GetCompilationAsync();
            _ = compilation!.GetTypeByMetadataName("Warehouse.Domain.Catalog.Sku")?.GetMembers(); // bind something
            compilations.Add(compilation);
        }
        Assert.Equal(names.Length, compilations.Count);
        return compilations;
    }

    private static List<string> Compiled(WorkspaceHost host, bool compiled) =>
        [.. host.CurrentSolution.Projects.Where(p => p.TryGetCompilation(out _) == compiled).Select(p => p.Name).Order(StringComparer.Ordinal)];
}
