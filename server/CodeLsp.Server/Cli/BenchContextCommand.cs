using System.CommandLine;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp bench context [folder]</c>: workspace load time, memory, context build time (warm and right after an
/// edit) and recall against the similar-snippet baseline, on a solution (default: the Warehouse test fixture).
/// </summary>
internal static class BenchContextCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Solution folder (MSBuild writes obj/ there)", DefaultValueFactory = _ => "tests/fixtures/Warehouse" };
        var sites = new Option<int>("--sites") { Description = "Completion sites to sample", DefaultValueFactory = _ => 400 };
        var misses = new Option<int>("--show-misses") { Description = "Also print the time per phase and this many recall misses", DefaultValueFactory = _ => 0 };
        var command = new Command("context", "Measure the Roslyn context engine: load, latency, memory, recall vs. snippets") { folder, sites, misses };
        command.SetAction(async (parse, ct) =>
        {
            var options = new ContextBenchmarkOptions { MaxSites = parse.GetValue(sites), ShowMisses = parse.GetValue(misses) };
            await ContextBenchmark.RunAsync(Path.GetFullPath(parse.GetValue(folder)!), Console.Out, options, CliLogging.Create(), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
