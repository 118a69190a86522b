using System.CommandLine;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks;

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
        command.Subcommands.Add(RobustnessBenchCommands.CreateExit());
        command.Subcommands.Add(RobustnessBenchCommands.CreatePrivacy());
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
                return await new CompletionBenchmark(Console.Out, parse.GetValue(threads)).RunAsync(list, ct).ConfigureAwait(false);
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }
}
