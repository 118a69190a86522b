using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Inference.Models;
using Spectre.Console;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp model list [--dir DIR] [--json]</c>: the catalog with what is already downloaded, and the memory each model
/// needs against this machine's; then the other <c>.gguf</c> files in the models folder. <c>--json</c> is for editors.
/// </summary>
internal static class ModelListCommand
{
    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Models folder (default: $CODELSP_MODELS_DIR, else the platform's data folder)" };
        var json = new Option<bool>("--json") { Description = "Print JSON (for editors)" };
        var command = new Command("list", "List the catalog of known models, what is downloaded, and the memory each needs") { dir, json };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(dir) is { } d ? Path.GetFullPath(d) : ModelsFolder.Resolve();
            var listing = ModelListing.Build(ModelCatalog.BuiltIn, folder, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(listing, s_json));
                return 0;
            }
            Print(listing);
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    private static void Print(ModelListing listing)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Size(long? bytes) => bytes switch
        {
            null => "?",
            >= 1_000_000_000 => (bytes.Value / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " GB",
            _ => (bytes.Value / 1e6).ToString("F0", CultureInfo.InvariantCulture) + " MB",
        };
        AnsiConsole.MarkupLine($"Models folder: {Markup.Escape(listing.ModelsDir)}   This machine: {Size(listing.MachineMemoryBytes)} memory");
        var table = new Table().Border(TableBorder.Simple).AddColumns("name", "role", "size", "memory", "sha256", "here");
        foreach (var m in listing.Catalog)
        {
            table.AddRow(
                Markup.Escape(m.Name) + (m.Recommended ? " [green]*[/]" : ""),
                m.Role,
                Size(m.SizeBytes),
                Size(m.EstimatedMemoryBytes) + m.Fits switch { false => " [red]too big[/]", _ => "" },
                m.Sha256Known ? "known" : "[yellow]none[/]",
                m.Path is null ? "" : "[green]yes[/]");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[green]*[/] recommended. memory: the file plus a fifth for the KV cache at 4096 tokens and buffers (an estimate);");
        AnsiConsole.MarkupLine("sha256 none: the catalog has no checksum for it, so a pull is not verified (it prints the hash to compare).");
        if (listing.OtherFiles.Count > 0)
        {
            AnsiConsole.MarkupLine("Other models in the folder:");
            foreach (var f in listing.OtherFiles)
            {
                AnsiConsole.MarkupLine(string.Create(inv, $"  {Markup.Escape(f.Path)}  {Size(f.SizeBytes)}, needs about {Size(f.EstimatedMemoryBytes)}"));
            }
        }
        AnsiConsole.MarkupLine("Pull one with: codelsp model pull NAME");
    }
}

/// <summary>What <c>model list</c> shows, as data (also its JSON shape for the VS Code extension).</summary>
internal sealed record ModelListing(string ModelsDir, long MachineMemoryBytes, IReadOnlyList<ModelListing.CatalogRow> Catalog, IReadOnlyList<ModelListing.FileRow> OtherFiles)
{
    public sealed record CatalogRow(
        string Name, string Role, string DisplayName, bool Recommended, string? Quantization, long? SizeBytes,
        long? EstimatedMemoryBytes, bool? Fits, bool Sha256Known, string? Licence, string? Path);

    public sealed record FileRow(string Path, long SizeBytes, long EstimatedMemoryBytes, bool Fits);

    public static ModelListing Build(ModelCatalog catalog, string folder, long machineMemory)
    {
        var files = ModelsFolder.ListModels(folder);
        var byName = files.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var rows = catalog.Models.Select(m =>
        {
            byName.TryGetValue(m.FileName, out var file);
            var memory = file is not null ? CatalogModel.EstimateMemory(file.Length) : m.EstimatedMemoryBytes;
            return new CatalogRow(m.Name, m.Role, m.DisplayName, m.Recommended, m.Quantization, file?.Length ?? m.SizeBytes,
                memory, memory is { } need ? need <= machineMemory : null, m.Sha256 is not null, m.Licence, file?.FullName);
        }).ToList();
        var known = catalog.Models.Select(m => m.FileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var others = files.Where(f => !known.Contains(f.Name))
            .Select(f => new FileRow(f.FullName, f.Length, CatalogModel.EstimateMemory(f.Length), CatalogModel.EstimateMemory(f.Length) <= machineMemory))
            .ToList();
        return new ModelListing(folder, machineMemory, rows, others);
    }
}
