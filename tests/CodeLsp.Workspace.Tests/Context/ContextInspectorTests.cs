using System.Text.Json;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>What <c>codelsp context</c> prints: the items with their reasons, and the prompt text around the caret.</summary>
public sealed class ContextInspectorTests
{
    [Fact]
    public async Task Prints_items_with_reasons_and_the_prompt_text()
    {
        using var folder = Fixtures.Copy("Broken");
        var printer = folder.File("Printer.cs");
        await File.WriteAllTextAsync(printer, (await File.ReadAllTextAsync(printer)).Replace("invoice.Total();", "invoice.", StringComparison.Ordinal));
        var output = new StringWriter();

        // Line 7 is `        var total = invoice.`; column 29 is right after the dot.
        var code = await ContextInspector.RunAsync(printer, 7, 29, new ContextInspectorOptions { Budget = 200, Trusted = false }, output, Serilog.Core.Logger.None, default);

        Assert.Equal(0, code);
        var text = output.ToString();
        Assert.Contains("AdHocUntrusted", text, StringComparison.Ordinal);
        Assert.Contains("+ 0.950 receiver-member  public decimal Total();", text, StringComparison.Ordinal);
        Assert.Contains("why: member of Invoice, the type of 'invoice'  [Invoice.cs:13]", text, StringComparison.Ordinal);
        Assert.Contains("//     public decimal Total();", text, StringComparison.Ordinal);
        Assert.Contains("var total = invoice.<|cursor|>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_has_every_item_and_the_windows()
    {
        using var folder = Fixtures.Copy("Broken");
        var printer = folder.File("Printer.cs");
        var output = new StringWriter();

        var code = await ContextInspector.RunAsync(printer, 8, 9, new ContextInspectorOptions { Budget = 100, Json = true, Trusted = false }, output, Serilog.Core.Logger.None, default);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal(100, root.GetProperty("budget").GetInt32());
        Assert.True(root.GetProperty("tokens").GetInt32() <= 100);
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("kind").GetString() == ContextItemKinds.Locals && i.GetProperty("text").GetString()!.Contains("decimal total", StringComparison.Ordinal));
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("why").GetString())));
        Assert.EndsWith("        ", root.GetProperty("prefix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Finds_the_folder_with_the_solution_above_the_file()
    {
        using var folder = Fixtures.Copy("Warehouse");
        var file = folder.File("src/Warehouse.Domain/Orders/Order.cs");
        Assert.Equal(folder.Path, ContextInspector.FindWorkspaceFolder(file));
    }
}
