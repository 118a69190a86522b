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

    private static Command CreateActions()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model with a chat template (default: a generated 512-dim, 8-layer model)" };
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => ModelHost.DefaultThreads(Environment.ProcessorCount) };
        var rounds = new Option<int>("--rounds") { Description = "Alternating idle/busy rounds (8 keystrokes each); 0 skips the typing part", DefaultValueFactory = _ => 6 };
        var workspaces = new Option<string[]>("--workspace") { Description = "Folders whose solution to time textDocument/codeAction on", AllowMultipleArgumentsPerToken = true };
        var samples = new Option<int>("--samples") { Description = "Positions per workspace", DefaultValueFactory = _ => 300 };
        var command = new Command("actions", "Inline completion latency during a running AI action vs idle, and codeAction latency on real solutions") { model, threads, rounds, workspaces, samples };
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
                var result = parse.GetValue(rounds) > 0 ? await bench.RunTypingAsync(Path.GetFullPath(path), parse.GetValue(threads), parse.GetValue(rounds), ct).ConfigureAwait(false) : 0;
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
