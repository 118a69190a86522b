using System.CommandLine;
using CodeLsp.Server.Benchmarks;
using CodeLsp.Server.Benchmarks.Fuzz;
using CodeLsp.Server.Benchmarks.Idle;
using CodeLsp.Server.Benchmarks.Load;
using CodeLsp.Server.Benchmarks.OddFiles;
using CodeLsp.Server.Benchmarks.Privacy;

namespace CodeLsp.Server.Cli;

/// <summary>The robustness benchmarks (<c>codelsp bench exit|fuzz|load|odd-files|idle|privacy</c>): each drives the real executable over stdio.</summary>
internal static class RobustnessBenchCommands
{
    private static Option<string?> ServerOption() => new("--server") { Description = "Another build's codelsp.dll to measure instead of this one (for before/after)" };

    public static Command CreateExit()
    {
        var runs = new Option<int>("--runs") { Description = "Runs per scenario", DefaultValueFactory = _ => 7 };
        var model = new Option<string?>("--model") { Description = "GGUF model to load (default: a generated tiny model)" };
        var workspace = new Option<string?>("--workspace") { Description = "A folder whose projects to load as well (e.g. tests/fixtures/Warehouse)" };
        var server = ServerOption();
        var command = new Command("exit", "Time from 'exit' to the process having ended, over real stdio (median of several runs)") { runs, model, workspace, server };
        command.SetAction((parse, ct) => new ExitBenchmark(Console.Out).RunAsync(
            parse.GetValue(runs), parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null,
            parse.GetValue(workspace) is { } w ? Path.GetFullPath(w) : null, parse.GetValue(server) is { } s ? Path.GetFullPath(s) : null, ct));
        return command;
    }

    public static Command CreatePrivacy()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model to load (default: a generated tiny model)" };
        var workspace = new Option<string?>("--workspace") { Description = "A folder whose projects to load (e.g. tests/fixtures/Warehouse)" };
        var strace = new Option<bool>("--strace") { Description = "Also record every socket call with strace (default: when strace is installed)", DefaultValueFactory = _ => StraceLog.IsUsable() };
        var cycles = new Option<int>("--cycles") { Description = "Edit + completion cycles", DefaultValueFactory = _ => 40 };
        var command = new Command("privacy", "A full editing run while every socket of the process tree is watched; prints them and any problem") { model, workspace, strace, cycles };
        command.SetAction((parse, ct) => new PrivacyBenchmark(Console.Out).RunAsync(
            parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null, parse.GetValue(workspace) is { } w ? Path.GetFullPath(w) : null,
            parse.GetValue(strace), parse.GetValue(cycles), ct));
        return command;
    }

    public static Command CreateFuzz()
    {
        var messages = new Option<int>("--messages") { Description = "How many messages to send", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed (the same seed sends the same bytes)", DefaultValueFactory = _ => 1 };
        var dump = new Option<string?>("--dump") { Description = "Also write the bytes sent to this file" };
        var server = ServerOption();
        var command = new Command("fuzz", "Malformed and random messages over the real stdio transport: no crash, no hang, every request answered") { messages, seed, dump, server };
        command.SetAction((parse, ct) => new FuzzBenchmark(Console.Out).RunAsync(
            parse.GetValue(messages), parse.GetValue(seed), parse.GetValue(server) is { } s ? Path.GetFullPath(s) : null, parse.GetValue(dump), ct));
        return command;
    }

    public static Command CreateLoad()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model (default: a generated tiny model)" };
        var cycles = new Option<int>("--cycles") { Description = "didChange + inlineCompletion (+ $/cancelRequest) cycles", DefaultValueFactory = _ => 2000 };
        var documents = new Option<int>("--documents") { Description = "Documents edited", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the edits", DefaultValueFactory = _ => 1 };
        var command = new Command("load", "Rapid edits, completions and cancellations: every request answered or cancelled, texts equal a replay, peak memory") { model, cycles, documents, seed };
        command.SetAction((parse, ct) => new LoadBenchmark(Console.Out).RunAsync(
            parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null, parse.GetValue(cycles), parse.GetValue(documents), parse.GetValue(seed), ct));
        return command;
    }

    public static Command CreateIdle()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model (default: a generated 512-dim, 8-layer model)" };
        var workspace = new Option<string?>("--workspace") { Description = "A folder whose projects to load as well" };
        var quiet = new Option<int>("--quiet-seconds") { Description = "Seconds without requests before measuring", DefaultValueFactory = _ => 10 };
        var window = new Option<int>("--window-seconds") { Description = "Seconds measured", DefaultValueFactory = _ => 30 };
        var unload = new Option<double>("--unload-after") { Description = "unloadAfterIdleMinutes to set; > 0 also measures memory after the unload and the reload", DefaultValueFactory = _ => 0 };
        var command = new Command("idle", "CPU time and wakeups of an idle server, per thread; memory freed by unloadAfterIdleMinutes") { model, workspace, quiet, window, unload };
        command.SetAction((parse, ct) => new IdleBenchmark(Console.Out).RunAsync(
            parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null, parse.GetValue(workspace) is { } w ? Path.GetFullPath(w) : null,
            TimeSpan.FromSeconds(parse.GetValue(quiet)), TimeSpan.FromSeconds(parse.GetValue(window)), parse.GetValue(unload), ct));
        return command;
    }

    public static Command CreateOddFiles()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model (default: a generated tiny model)" };
        var probes = new Option<int>("--probes") { Description = "Probe completions measured alone first", DefaultValueFactory = _ => 10 };
        var only = new Option<string?>("--case") { Description = "Only the cases whose name contains this text" };
        var logLevel = new Option<string>("--server-log-level") { Description = "The server's log level (debug shows each phase)", DefaultValueFactory = _ => "information" };
        var state = new Option<string?>("--state") { Description = "The server's state folder (its log is kept there)" };
        var server = ServerOption();
        var command = new Command("odd-files", "10 MB, a 100,000-character line, binary, invalid UTF-8, \\r-only line ends: answers, log lines, and a concurrent request's latency") { model, probes, only, logLevel, state, server };
        command.SetAction((parse, ct) => new OddFilesBenchmark(Console.Out).RunAsync(
            parse.GetValue(model) is { } m ? Path.GetFullPath(m) : null, parse.GetValue(probes), parse.GetValue(only), parse.GetValue(logLevel)!,
            parse.GetValue(state) is { } s ? Path.GetFullPath(s) : null, ct, parse.GetValue(server) is { } dll ? Path.GetFullPath(dll) : null));
        return command;
    }
}
