using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests;

/// <summary>The Warehouse fixture, loaded once with MSBuild for the tests that only read or overlay it.</summary>
public sealed class LoadedWarehouse : IAsyncLifetime
{
    private readonly TempFolder _folder = Fixtures.Copy("Warehouse");

    internal TempFolder Folder => _folder;

    public WorkspaceHost Host { get; } = new(Serilog.Core.Logger.None);

    public List<WorkspaceLoadProgress> Progress { get; } = [];

    public async Task InitializeAsync() =>
        await Host.LoadAsync(_folder.Path, trusted: true, new SynchronousProgress(Progress), CancellationToken.None);

    public Task DisposeAsync()
    {
        Host.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private sealed class SynchronousProgress(List<WorkspaceLoadProgress> reports) : IProgress<WorkspaceLoadProgress>
    {
        public void Report(WorkspaceLoadProgress value)
        {
            lock (reports) reports.Add(value);
        }
    }
}

public sealed class WorkspaceHostTests(LoadedWarehouse warehouse) : IClassFixture<LoadedWarehouse>
{
    private WorkspaceHost Host => warehouse.Host;

    [Fact]
    public void Loads_every_project_of_the_solution_with_msbuild()
    {
        var state = Host.State;
        Assert.Equal(WorkspaceLoadStatus.Loaded, state.Status);
        Assert.Equal(WorkspaceMode.MSBuild, state.Mode);
        Assert.Null(state.UserMessage);
        Assert.Equal(5, state.ProjectCount);
        var names = Host.CurrentSolution.Projects.Select(p => p.Name).Order().ToList();
        Assert.Equal(["Warehouse.Cli", "Warehouse.Domain", "Warehouse.Purchasing", "Warehouse.Reporting", "Warehouse.Services"], names);
        Assert.True(state.DocumentCount >= 58, $"{state.DocumentCount} documents");
        Assert.NotEmpty(warehouse.Progress);
        var services = Host.CurrentSolution.Projects.Single(p => p.Name == "Warehouse.Services");
        Assert.Contains(services.ProjectReferences, r => Host.CurrentSolution.GetProject(r.ProjectId)!.Name == "Warehouse.Domain");
    }

    [Fact]
    public async Task References_hold_their_metadata_once_per_file_and_the_projects_still_compile()
    {
        var solution = Host.CurrentSolution;
        var byPath = solution.Projects.SelectMany(p => p.MetadataReferences).OfType<Microsoft.CodeAnalysis.PortableExecutableReference>()
            .GroupBy(r => r.FilePath!).ToList();
        Assert.NotEmpty(byPath);
        // Every project that references a file shares one metadata for it (System.Runtime: all five).
        Assert.All(byPath, group => Assert.Single(group.Select(r => r.GetMetadataId()).Distinct()));
        Assert.Contains(byPath, g => g.Key.EndsWith("System.Runtime.dll", StringComparison.Ordinal) && g.Count() == 5);
        foreach (var project in solution.Projects)
        {
            var compilation = await project.GetCompilationAsync();
            Assert.Empty(compilation!.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        }
    }

    [Fact]
    public async Task An_open_edit_in_one_project_is_visible_from_another()
    {
        var money = warehouse.Folder.File("src/Warehouse.Domain/Common/Money.cs");
        var moneyUri = new Uri(money);
        var moneyText = SourceText.From(await File.ReadAllTextAsync(money));
        var anchor = "    public bool IsZero => Amount == 0m;";
        var edited = moneyText.WithChanges(new TextChange(new TextSpan(moneyText.ToString().IndexOf(anchor, StringComparison.Ordinal), 0),
            "    public Money Half() => this with { Amount = Amount / 2 };\n\n"));
        Host.GetDocument(moneyUri, edited);
        try
        {
            var service = warehouse.Folder.File("src/Warehouse.Services/Orders/OrderService.cs");
            var serviceText = await File.ReadAllTextAsync(service);
            var statement = "order.SetShippingCost(shipping.Cost);";
            var caret = serviceText.IndexOf(statement, StringComparison.Ordinal) + statement.Length + "\n        shipping.Cost.".Length;
            var typed = serviceText.Insert(caret - "\n        shipping.Cost.".Length, "\n        shipping.Cost.");
            var document = Host.GetDocument(new Uri(service), SourceText.From(typed));
            Assert.Equal("Warehouse.Services", document.Project.Name);
            var items = await new SemanticContextBuilder().CollectAsync(document, caret, ContextRequest.Default, default);
            Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public Money Half();", StringComparison.Ordinal));
            Host.DocumentClosed(new Uri(service));
        }
        finally
        {
            Host.DocumentClosed(moneyUri);
        }
        var reverted = Host.CurrentSolution.GetDocument(Host.CurrentSolution.GetDocumentIdsWithFilePath(money).Single())!;
        Assert.DoesNotContain("Half()", (await reverted.GetTextAsync()).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getting_the_same_open_text_twice_reuses_the_snapshot()
    {
        var path = warehouse.Folder.File("src/Warehouse.Reporting/TextTable.cs");
        var text = SourceText.From(await File.ReadAllTextAsync(path));
        var first = Host.GetDocument(new Uri(path), text);
        var second = Host.GetDocument(new Uri(path), text);
        Assert.Same(first.Project.Solution, second.Project.Solution);
        Assert.Contains(Host.RecentDocuments(), d => d.Path == path);
        Host.DocumentClosed(new Uri(path));
    }

    [Fact]
    public async Task Files_created_and_deleted_on_disk_are_picked_up()
    {
        var path = warehouse.Folder.File("src/Warehouse.Domain/Catalog/Barcode.cs");
        await File.WriteAllTextAsync(path, """
            namespace Warehouse.Domain.Catalog;

            public static class Barcode
            {
                public static string Ean13(Sku sku) => sku.Value.PadLeft(13, '0');
            }
            """);
        Host.FileChangedOnDisk(new Uri(path));
        var ids = Host.CurrentSolution.GetDocumentIdsWithFilePath(path);
        var id = Assert.Single(ids);
        Assert.Equal("Warehouse.Domain", Host.CurrentSolution.GetProject(id.ProjectId)!.Name);

        var importer = warehouse.Folder.File("src/Warehouse.Services/Import/CsvProductImporter.cs");
        var importerText = await File.ReadAllTextAsync(importer);
        var anchor = "        var cells = line.Split(';');";
        var at = importerText.IndexOf(anchor, StringComparison.Ordinal);
        var typed = importerText.Insert(at, "        Domain.Catalog.Barcode.\n");
        var document = Host.GetDocument(new Uri(importer), SourceText.From(typed));
        var items = await new SemanticContextBuilder().CollectAsync(document, at + "        Domain.Catalog.Barcode.".Length, ContextRequest.Default, default);
        Assert.Contains(items, i => i.Text.Contains("public static string Ean13(Sku sku);", StringComparison.Ordinal));
        Host.DocumentClosed(new Uri(importer));

        File.Delete(path);
        Host.FileDeleted(new Uri(path));
        Assert.Empty(Host.CurrentSolution.GetDocumentIdsWithFilePath(path));
    }
}

/// <summary>Loads that must not run MSBuild, or where MSBuild fails.</summary>
public sealed class WorkspaceFallbackTests
{
    [Fact]
    public async Task Untrusted_folders_are_never_evaluated_by_msbuild()
    {
        using var folder = Fixtures.Copy("Untrusted");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        await host.LoadAsync(folder.Path, trusted: false, progress: null, CancellationToken.None);

        Assert.Equal(WorkspaceMode.AdHocUntrusted, host.State.Mode);
        Assert.False(File.Exists(folder.File("msbuild-ran.txt")), "a project target ran in an untrusted folder");
        Assert.False(Directory.Exists(folder.File("obj")));
        var greeting = Assert.Single(host.CurrentSolution.GetDocumentIdsWithFilePath(folder.File("Greeting.cs")));
        Assert.NotNull(greeting);

        // The ad-hoc project still knows the folder's code.
        var program = folder.File("Program.cs");
        var text = (await File.ReadAllTextAsync(program)).Replace("Greeting.For(\"world\")", "Greeting.", StringComparison.Ordinal);
        var caret = text.IndexOf("Greeting.", StringComparison.Ordinal) + "Greeting.".Length;
        var document = host.GetDocument(new Uri(program), SourceText.From(text));
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, ContextRequest.Default, default);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public static string For(string name);", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trusted_folders_are_evaluated_which_is_what_the_untrusted_test_guards_against()
    {
        using var folder = Fixtures.Copy("Untrusted");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        await host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None);

        Assert.Equal(WorkspaceMode.MSBuild, host.State.Mode);
        Assert.True(File.Exists(folder.File("msbuild-ran.txt")), "the design-time build did not run the project's target");
    }

    [Fact]
    public async Task A_broken_project_is_reported_once_and_the_files_still_get_context()
    {
        using var folder = Fixtures.Copy("Broken");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        await host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None);

        var state = host.State;
        Assert.Equal(WorkspaceLoadStatus.Failed, state.Status);
        Assert.Equal(WorkspaceMode.AdHocFallback, state.Mode);
        Assert.NotNull(state.UserMessage);
        Assert.Contains("Broken.csproj", state.UserMessage, StringComparison.Ordinal);
        Assert.NotEmpty(state.Diagnostics);

        var printer = folder.File("Printer.cs");
        var text = (await File.ReadAllTextAsync(printer)).Replace("invoice.Total();", "invoice.", StringComparison.Ordinal);
        var caret = text.IndexOf("invoice.", StringComparison.Ordinal) + "invoice.".Length;
        var document = host.GetDocument(new Uri(printer), SourceText.From(text));
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, ContextRequest.Default, default);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public decimal Total();", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Documents_are_served_before_and_while_loading()
    {
        using var folder = Fixtures.Copy("Broken");
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        Assert.Equal(WorkspaceLoadStatus.NotLoaded, host.State.Status);
        var printer = folder.File("Printer.cs");
        var text = SourceText.From(await File.ReadAllTextAsync(printer));
        var before = host.GetDocument(new Uri(printer), text);
        Assert.Equal("Miscellaneous Files", before.Project.Name);

        // While MSBuild works, the folder's files are an ad-hoc project: the open file sees the others already.
        var loading = host.LoadAsync(folder.Path, trusted: true, progress: null, CancellationToken.None);
        Assert.Equal(WorkspaceLoadStatus.Loading, host.State.Status);
        var during = host.GetDocument(new Uri(printer), text);
        Assert.EndsWith("(while loading)", during.Project.Name, StringComparison.Ordinal);
        Assert.Contains(during.Project.Documents, d => d.Name == "Invoice.cs");
        Assert.NotNull(await during.GetSemanticModelAsync());
        await loading;

        // After the (failed) load, the open document moved into the ad-hoc project of the folder.
        var after = host.GetDocument(new Uri(printer), text);
        Assert.NotEqual("Miscellaneous Files", after.Project.Name);
        Assert.Contains(after.Project.Documents, d => d.Name == "Invoice.cs");
    }
}
