using System.CommandLine;
using CodeLsp.Inference;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp bench context [folder]</c>: workspace load time, memory, context build time (warm and right after an
/// edit) and recall at seeded completion sites against the Jaccard-snippet baseline, on a solution (default: the
/// Warehouse test fixture). Tokens are counted by the model's tokenizer with <c>--model</c>, else estimated.
/// </summary>
internal static class BenchContextCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Solution folder (MSBuild writes obj/ there)", DefaultValueFactory = _ => "tests/fixtures/Warehouse" };
        var sites = new Option<int>("--sites") { Description = "Completion sites to sample (half after a '.', half at identifier starts)", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Seed of the site sample", DefaultValueFactory = _ => 1 };
        var model = new Option<string?>("--model") { Description = "Count tokens with this GGUF model's tokenizer (default: 3.5 characters per token)" };
        var prefixLines = new Option<int>("--prefix-lines") { Description = "Lines before the caret the prompt shows as text", DefaultValueFactory = _ => 40 };
        var suffixLines = new Option<int>("--suffix-lines") { Description = "Lines after the caret the prompt shows as text", DefaultValueFactory = _ => 10 };
        var misses = new Option<int>("--show-misses") { Description = "Also print the time per phase and this many recall misses at 512 tokens", DefaultValueFactory = _ => 0 };
        var noWarmUp = new Option<bool>("--no-warm-up") { Description = "Measure the first context on cold compilations (no warm-up after loading)" };
        var command = new Command("context", "Measure the Roslyn context engine: load, latency, memory, recall vs. snippets")
        {
            folder, sites, seed, model, prefixLines, suffixLines, misses, noWarmUp,
        };
        command.SetAction(async (parse, ct) =>
        {
            var logger = CliLogging.Create();
            TokenCounter counter;
            try
            {
                counter = await TokenCounter.CreateAsync(parse.GetValue(model), logger, ct).ConfigureAwait(false);
            }
            catch (ModelLoadException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
            using (counter)
            {
                var options = new ContextBenchmarkOptions
                {
                    MaxSites = parse.GetValue(sites), Seed = parse.GetValue(seed), Budget = counter.Budget,
                    PrefixLines = parse.GetValue(prefixLines), SuffixLines = parse.GetValue(suffixLines),
                    ShowMisses = parse.GetValue(misses), WarmUp = !parse.GetValue(noWarmUp),
                };
                await ContextBenchmark.RunAsync(Path.GetFullPath(parse.GetValue(folder)!), Console.Out, options, logger, ct).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
