using System.CommandLine;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks;
using CodeLsp.Server.Logging;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp bench …</c>: benchmarks that print numbers (speed claims are measured here, never in unit tests).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print their figures");
        command.Subcommands.Add(CreateCompletion());
        command.Subcommands.Add(CreateDecodeBatches());
        command.Subcommands.Add(BenchContextCommand.Create());
        command.Subcommands.Add(CreateCompileCheck());
        command.Subcommands.Add(CreateRemote());
        command.Subcommands.Add(BenchConstrainedCommand.Create());
        command.Subcommands.Add(CreateActions());
        command.Subcommands.Add(RobustnessBenchCommands.CreateExit());
        command.Subcommands.Add(RobustnessBenchCommands.CreatePrivacy());
        command.Subcommands.Add(RobustnessBenchCommands.CreateFuzz());
        command.Subcommands.Add(RobustnessBenchCommands.CreateLoad());
        command.Subcommands.Add(RobustnessBenchCommands.CreateIdle());
        command.Subcommands.Add(RobustnessBenchCommands.CreateOddFiles());
        command.Subcommands.Add(CreateSolution());
        command.Subcommands.Add(CreateNextEdits());
        return command;
    }

    private static Command CreateSolution()
    {
        var folders = new Argument<string[]>("folders") { Description = "Solution folders, restored (MSBuild writes obj/ there)", Arity = ArgumentArity.OneOrMore };
        var contextSites = new Option<int>("--context-sites") { Description = "Completion sites for the context measurements", DefaultValueFactory = _ => 200 };
        var checkSites = new Option<int>("--check-sites") { Description = "Member-access sites for the compile check", DefaultValueFactory = _ => 60 };
        var child = new Option<string?>("--child") { Description = "Internal: measure the one folder in this process and write its row to this JSON file", Hidden = true };
        var allTfms = new Option<bool>("--all-target-frameworks") { Description = "Internal (with --child): load every target framework of multi-targeted projects", Hidden = true };
        var compare = new Option<string[]>("--also-all-target-frameworks") { Description = "Folders to measure a second time with every target framework loaded (the behaviour before one per project)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("solution", "Real solutions side by side: load, first context, context and compile-check latency, memory") { folders, contextSites, checkSites, child, allTfms, compare };
        command.SetAction((parse, ct) =>
        {
            var paths = parse.GetValue(folders)!.Select(Path.GetFullPath).ToList();
            return parse.GetValue(child) is { } json
                ? SolutionBenchmark.MeasureAsync(paths[0], parse.GetValue(contextSites), parse.GetValue(checkSites), parse.GetValue(allTfms), json, CliLogging.Create(), ct)
                : new SolutionBenchmark(Console.Out).RunAsync(paths, parse.GetValue(contextSites), parse.GetValue(checkSites),
                    (parse.GetValue(compare) ?? []).Select(Path.GetFullPath).ToList(), ct);
        });
        return command;
    }

    private static Command CreateDecodeBatches()
    {
        var model = new Option<string>("--model") { Description = "GGUF model (e.g. codelsp model tiny m.gguf --dim 512 --layers 8 --context 4096)", Required = true };
        var cached = new Option<int[]>("--cached") { Description = "Cache lengths to decode after", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0, 1200, 1705] };
        var sizes = new Option<int[]>("--sizes") { Description = "Batch sizes (tokens)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [1, 8, 16, 32, 52, 64, 128, 256] };
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => ModelHost.DefaultThreads(Environment.ProcessorCount) };
        var runs = new Option<int>("--runs") { Description = "Runs per cell (the median is printed)", DefaultValueFactory = _ => 3 };
        var command = new Command("decode-batches", "Time of one decode batch by its size and the cache before it, with flash attention auto, on and off (plain LLamaSharp)") { model, cached, sizes, threads, runs };
        command.SetAction(parse =>
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            var lengths = parse.GetValue(cached)!;
            var batchSizes = parse.GetValue(sizes)!;
            var contextSize = lengths.Max() + batchSizes.Max() + 16;
            Console.WriteLine("ms for one batch (median of " + parse.GetValue(runs) + "); columns: tokens in the batch");
            Console.WriteLine("flash attention  cached " + string.Concat(batchSizes.Select(n => n.ToString(inv).PadLeft(8))));
            foreach (var (label, flash) in new (string, bool?)[] { ("auto", null), ("on", true), ("off", false) })
            {
                using var probe = DecodeBatchProbe.Load(parse.GetValue(model)!, parse.GetValue(threads), contextSize, flash, CliLogging.Create());
                foreach (var length in lengths)
                {
                    var cells = batchSizes.Select(n => Enumerable.Range(0, parse.GetValue(runs)).Select(_ => probe.Measure(length, n).TotalMilliseconds).Order().ElementAt(parse.GetValue(runs) / 2));
                    Console.WriteLine(label.PadRight(17) + length.ToString(inv).PadLeft(6) + " " + string.Concat(cells.Select(ms => ms.ToString("F0", inv).PadLeft(8))));
                }
            }
            return 0;
        });
        return command;
    }

    private static Command CreateActions()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model with a chat template (default: a generated 512-dim, 8-layer model)" };
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => ModelHost.DefaultThreads(Environment.ProcessorCount) };
        var rounds = new Option<int>("--rounds") { Description = "Alternating idle/busy rounds (8 keystrokes each); 0 skips the typing part", DefaultValueFactory = _ => 6 };
        var workspaces = new Option<string[]>("--workspace") { Description = "Folders whose solution to time textDocument/codeAction on", AllowMultipleArgumentsPerToken = true };
        var samples = new Option<int>("--samples") { Description = "Positions per workspace", DefaultValueFactory = _ => 300 };
        var during = new Option<string>("--during") { Description = "The background work typed over: chat (an AI action on an instruct model) or fim (an AI action on a base model, a next edit)", DefaultValueFactory = _ => "chat" };
        during.AcceptOnlyFromAmong("chat", "fim");
        var actionTokens = new Option<int>("--action-tokens") { Description = "With --during fim: tokens the background completion generates", DefaultValueFactory = _ => 384 };
        var command = new Command("actions", "Inline completion latency during a running AI action vs idle, and codeAction latency on real solutions") { model, threads, rounds, workspaces, samples, during, actionTokens };
        command.SetAction(async (parse, ct) =>
        {
            var bench = new ActionsBenchmark(Console.Out);
            var path = parse.GetValue(model);
            string? temp = null;
            if (path is null)
            {
                temp = Directory.CreateTempSubdirectory("codelsp-bench-").FullName;
                path = Path.Combine(temp, "tiny-512x8.gguf");
                TinyModel.Write(path, new TinyModelOptions { Dim = 512, Layers = 8, ContextLength = 4096 });
            }
            try
            {
                var result = parse.GetValue(rounds) <= 0 ? 0
                    : parse.GetValue(during) == "fim"
                        ? await new TypingDuringFimBenchmark(Console.Out).RunAsync(Path.GetFullPath(path), parse.GetValue(threads), parse.GetValue(rounds), parse.GetValue(actionTokens), ct).ConfigureAwait(false)
                        : await bench.RunTypingAsync(Path.GetFullPath(path), parse.GetValue(threads), parse.GetValue(rounds), ct).ConfigureAwait(false);
                foreach (var folder in parse.GetValue(workspaces) ?? [])
                {
                    result |= await bench.RunCodeActionsAsync(Path.GetFullPath(folder), parse.GetValue(samples), ct).ConfigureAwait(false);
                }
                return result;
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }

    private static Command CreateCompileCheck()
    {
        var folder = new Argument<string>("folder") { Description = "A folder with a solution or projects (e.g. tests/fixtures/Warehouse)" };
        var sites = new Option<int>("--sites") { Description = "Completion sites to sample", DefaultValueFactory = _ => 150 };
        var command = new Command("compile-check", "Check true and mutated continuations at member accesses: kept, dropped, time per check") { folder, sites };
        command.SetAction((parse, ct) =>
            new CompileCheckBenchmark(Console.Out).RunAsync(Path.GetFullPath(parse.GetValue(folder)!), parse.GetValue(sites), CliLogging.Create(), ct));
        return command;
    }

    private static Command CreateRemote()
    {
        var keystrokes = new Option<int>("--keystrokes") { Description = "Keystrokes typed with an awaited request after each", DefaultValueFactory = _ => 150 };
        var kinds = new Option<string[]>("--kinds") { Description = "Engine kinds in the order measured (default: llama.cpp ollama openai)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("remote", "Drive the server over LSP against llama.cpp, Ollama and vLLM doubles on 127.0.0.1: server overhead per remote completion, a burst at 30 ms a key") { keystrokes, kinds };
        command.SetAction((parse, ct) => new RemoteEngineBenchmark(Console.Out).RunAsync(parse.GetValue(keystrokes), ct, parse.GetValue(kinds)));
        return command;
    }

    private static Command CreateCompletion()
    {
        var models = new Option<string[]>("--model") { Description = "GGUF models to run (default: generated tiny 64-dim and 512-dim/8-layer models)", AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => ModelHost.DefaultThreads(Environment.ProcessorCount) };
        var command = new Command("completion", "Drive the server over LSP through a scripted editing session and print overhead, KV reuse, type-through and memory") { models, threads };
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(models) ?? [];
            var list = paths.Select(p => (Path.GetFileNameWithoutExtension(p), Path.GetFullPath(p))).ToList();
            string? temp = null;
            if (list.Count == 0)
            {
                temp = Directory.CreateTempSubdirectory("codelsp-bench-").FullName;
                var tiny = Path.Combine(temp, "tiny-64x2.gguf");
                var large = Path.Combine(temp, "tiny-512x8.gguf");
                TinyModel.Write(tiny, new TinyModelOptions { ContextLength = 4096 });
                TinyModel.Write(large, new TinyModelOptions { Dim = 512, Layers = 8, ContextLength = 4096 });
                list = [("64-dim x2", tiny), ("512-dim x8", large)];
            }
            try
            {
                var level = ServerLogging.TryParseLevel(parse.GetValue(ServeCommand.LogLevelOption) ?? "warning", out var parsed) && parsed <= Serilog.Events.LogEventLevel.Debug
                    ? parsed : Serilog.Events.LogEventLevel.Warning;
                return await new CompletionBenchmark(Console.Out, parse.GetValue(threads), level).RunAsync(list, ct).ConfigureAwait(false);
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }

    private static Command CreateNextEdits()
    {
        var folder = new Argument<string>("folder") { Description = "Solution folder (MSBuild writes obj/ there)", DefaultValueFactory = _ => "tests/fixtures/Warehouse" };
        var cases = new Option<int>("--cases") { Description = "Declaration edits to make (spread over the kinds)", DefaultValueFactory = _ => 80 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sample", DefaultValueFactory = _ => 1 };
        var noRecall = new Option<bool>("--no-recall") { Description = "Skip the recall check (it compiles the whole solution twice per edit)" };
        var command = new Command("next-edits", "Time from a declaration edit to its compile-checked next edits (p50/p95 per kind), and recall vs. the compiler's new errors") { folder, cases, seed, noRecall };
        command.SetAction(async (parse, ct) =>
            await new Benchmarks.NextEditBenchmark(Console.Out).RunAsync(Path.GetFullPath(parse.GetValue(folder)!), parse.GetValue(cases), !parse.GetValue(noRecall), parse.GetValue(seed), CliLogging.Create(), ct).ConfigureAwait(false));
        return command;
    }
}
