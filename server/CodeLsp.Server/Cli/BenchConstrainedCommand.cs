using System.CommandLine;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp bench constrained [folder]</c>: the cost and effect of constraining the first identifier to what the
/// compiler allows (<see cref="ConstrainedDecodingBenchmark"/>), on generated tiny models unless models are given.
/// </summary>
internal static class BenchConstrainedCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Solution folder (MSBuild writes obj/ there)", DefaultValueFactory = _ => "tests/fixtures/Warehouse" };
        var models = new Option<string[]>("--model") { Description = "GGUF models to run (default: generated tiny 64-dim x2 and 512-dim x8 (98 MiB) models)", AllowMultipleArgumentsPerToken = true };
        var sites = new Option<int>("--sites") { Description = "Member-access sites to sample", DefaultValueFactory = _ => 40 };
        var seed = new Option<int>("--seed") { Description = "Seed of the site sample", DefaultValueFactory = _ => 1 };
        var prompts = new Option<int>("--prompts") { Description = "Prompts for the engine-alone cost per token", DefaultValueFactory = _ => 4 };
        var repeat = new Option<int>("--repeat") { Description = "Interleaved off/on pairs per prompt", DefaultValueFactory = _ => 6 };
        var showRejected = new Option<int>("--show-rejected") { Description = "Print this many compile-check rejections per mode", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => ModelHost.DefaultThreads(Environment.ProcessorCount) };
        var command = new Command("constrained", "Constrained first identifier: cost per token and compile-check rejections, off vs on, side by side") { folder, models, sites, seed, prompts, repeat, showRejected, threads };
        command.SetAction(async (parse, ct) =>
        {
            var list = (parse.GetValue(models) ?? []).Select(p => (Path.GetFileNameWithoutExtension(p), Path.GetFullPath(p))).ToList();
            string? temp = null;
            if (list.Count == 0)
            {
                temp = Directory.CreateTempSubdirectory("codelsp-bench-").FullName;
                var tiny = Path.Combine(temp, "tiny-64x2.gguf");
                var large = Path.Combine(temp, "tiny-512x8.gguf");
                TinyModel.Write(tiny, new TinyModelOptions { ContextLength = 4096 });
                TinyModel.Write(large, new TinyModelOptions { Dim = 512, Layers = 8, ContextLength = 4096 });
                list = [("64-dim x2", tiny), ("512-dim x8 (98 MiB)", large)];
            }

            try
            {
                return await new ConstrainedDecodingBenchmark(Console.Out, parse.GetValue(threads), parse.GetValue(showRejected))
                    .RunAsync(Path.GetFullPath(parse.GetValue(folder)!), list, parse.GetValue(sites), parse.GetValue(seed), parse.GetValue(prompts), parse.GetValue(repeat), CliLogging.Create(), ct).ConfigureAwait(false);
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }
}
