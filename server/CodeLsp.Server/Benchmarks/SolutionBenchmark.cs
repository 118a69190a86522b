using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench solution &lt;folder&gt;…</c>: what a user of each solution feels, side by side in one table —
/// load time, first context, context build time warm and right after an edit, compile-check time, working set after
/// the load and after the editing run (no model loaded). Each solution is measured in its own child process
/// (<c>--child</c>), so one solution's memory does not count against the next; the children's full reports (the
/// context and compile-check benchmarks' own output) are kept in log files whose paths are printed.
/// </summary>
internal sealed class SolutionBenchmark(TextWriter output)
{
    internal sealed record Row(
        string Name, string Workspace, double LoadSeconds, double WarmUpSeconds, double FirstContextMs,
        double WarmP50, double WarmP95, double EditP50, double EditP95,
        double CheckP50, double CheckP95, double CheckCpuP50, double CheckCpuP95, double ReferenceCheckP50, int CheckDisagreements,
        double WorkingSetAfterLoadMb, double WorkingSetAfterRunMb, double ManagedAfterRunMb, string? UserMessage)
    {
        /// <summary>The working set at the end of the run before the server's idle trim.</summary>
        public double WorkingSetBeforeIdleTrimMb { get; init; }

        /// <summary>After every project's compilation was built (the benchmark's warm-up; the server builds them as requests need them).</summary>
        public double WorkingSetAfterWarmUpMb { get; init; }
    }

    /// <param name="alsoAllTargetFrameworks">Folders measured a second time with every target framework loaded (as before one per project).</param>
    public async Task<int> RunAsync(IReadOnlyList<string> folders, int contextSites, int checkSites, IReadOnlyList<string> alsoAllTargetFrameworks, CancellationToken ct)
    {
        var logs = Directory.CreateTempSubdirectory("codelsp-bench-solution-").FullName;
        var rows = new List<Row>();
        var runs = folders.SelectMany(f => alsoAllTargetFrameworks.Contains(f) ? new[] { (f, true), (f, false) } : [(f, false)]).ToList();
        foreach (var (folder, allTargetFrameworks) in runs)
        {
            var name = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)) + (allTargetFrameworks ? "-all-tfms" : "");
            var json = Path.Combine(logs, name + ".json");
            var log = Path.Combine(logs, name + ".log");
            output.WriteLine($"Measuring {name} … (report: {log})");
            var exit = await RunChildAsync(folder, contextSites, checkSites, allTargetFrameworks, json, log, ct).ConfigureAwait(false);
            if (exit != 0 || !File.Exists(json))
            {
                output.WriteLine($"  {name}: the measurement failed (exit code {exit}); see {log}");
                continue;
            }
            rows.Add(JsonSerializer.Deserialize<Row>(await File.ReadAllTextAsync(json, ct).ConfigureAwait(false))!);
        }
        Print(rows);
        return rows.Count == runs.Count ? 0 : 1;
    }

    /// <summary>The child's work: measure one solution and write its row as JSON.</summary>
    public static async Task<int> MeasureAsync(string folder, int contextSites, int checkSites, bool allTargetFrameworks, string jsonPath, Serilog.ILogger logger, CancellationToken ct)
    {
        var log = Console.Out;
        var load = new WorkspaceLoadOptions { AllTargetFrameworks = allTargetFrameworks };
        var context = await ContextBenchmark.RunAsync(folder, log, new ContextBenchmarkOptions { MaxSites = contextSites, Budgets = [512], Load = load, DescribeMemory = MemoryBreakdown.Describe }, logger, ct).ConfigureAwait(false);
        await log.WriteLineAsync().ConfigureAwait(false);
        var check = new CompileCheckBenchmark(log);
        await check.RunAsync(folder, checkSites, logger, ct, load).ConfigureAwait(false);
        var c = check.Report;
        static double P(IReadOnlyList<double>? values, double p) => values is null ? double.NaN : ContextBenchmarkReport.Percentile(values, p);
        var row = new Row(
            Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)) + (allTargetFrameworks ? " (all TFMs)" : ""), context.Load.ToString().Split(';')[0], context.Load.Elapsed.TotalSeconds,
            context.WarmUp.TotalSeconds, context.FirstContext.TotalMilliseconds,
            P(context.WarmMs, 50), P(context.WarmMs, 95), P(context.AfterEditMs, 50), P(context.AfterEditMs, 95),
            P(c?.Ms, 50), P(c?.Ms, 95), P(c?.CpuMs, 50), P(c?.CpuMs, 95), P(c?.ReferenceMs, 50), c?.Disagreements ?? -1,
            Mb(context.WorkingSetAfterLoad), Mb(context.WorkingSetAfterRun), Mb(context.ManagedBytesAfterRun), context.Load.UserMessage)
        {
            WorkingSetBeforeIdleTrimMb = Mb(context.WorkingSetBeforeIdleTrim),
            WorkingSetAfterWarmUpMb = Mb(context.WorkingSetAfterWarmUp),
        };
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(row), ct).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> RunChildAsync(string folder, int contextSites, int checkSites, bool allTargetFrameworks, string json, string log, CancellationToken ct)
    {
        var entry = typeof(SolutionBenchmark).Assembly.Location;
        var start = entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { ArgumentList = { entry } }
            : new ProcessStartInfo(Environment.ProcessPath!);
        foreach (var argument in new[] { "bench", "solution", folder, "--child", json, "--context-sites", Invariant(contextSites), "--check-sites", Invariant(checkSites) })
        {
            start.ArgumentList.Add(argument);
        }
        if (allTargetFrameworks) start.ArgumentList.Add("--all-target-frameworks");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        await using var file = File.CreateText(log);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        await file.WriteAsync(await stdout.ConfigureAwait(false)).ConfigureAwait(false);
        await file.WriteAsync(await stderr.ConfigureAwait(false)).ConfigureAwait(false);
        return process.ExitCode;
    }

    private void Print(IReadOnlyList<Row> rows)
    {
        if (rows.Count == 0) return;
        var lines = new (string Label, Func<Row, string> Value)[]
        {
            ("workspace", r => r.Workspace.Replace("Loaded (MSBuild): ", "", StringComparison.Ordinal)),
            ("load", r => Invariant($"{r.LoadSeconds:F1} s")),
            ("warm-up (compilations)", r => Invariant($"{r.WarmUpSeconds:F1} s")),
            ("first context after warm-up", r => Invariant($"{r.FirstContextMs:F0} ms")),
            ("context warm p50 / p95", r => Invariant($"{r.WarmP50:F1} / {r.WarmP95:F1} ms")),
            ("context after an edit p50 / p95", r => Invariant($"{r.EditP50:F1} / {r.EditP95:F1} ms")),
            ("compile check p50 / p95", r => Invariant($"{r.CheckP50:F1} / {r.CheckP95:F1} ms")),
            ("compile check CPU p50 / p95", r => Invariant($"{r.CheckCpuP50:F1} / {r.CheckCpuP95:F1} ms")),
            ("  old check (workspace fork) p50", r => Invariant($"{r.ReferenceCheckP50:F1} ms")),
            ("  verdicts differing from it", r => Invariant($"{r.CheckDisagreements}")),
            ("working set after load", r => Invariant($"{r.WorkingSetAfterLoadMb:F0} MB")),
            ("  after every compilation was built", r => Invariant($"{r.WorkingSetAfterWarmUpMb:F0} MB")),
            ("working set after the run", r => Invariant($"{r.WorkingSetAfterRunMb:F0} MB ({r.ManagedAfterRunMb:F0} MB managed)")),
            ("  before the idle trim", r => Invariant($"{r.WorkingSetBeforeIdleTrimMb:F0} MB")),
        };
        var labelWidth = lines.Max(l => l.Label.Length) + 2;
        var widths = rows.Select(r => Math.Max(r.Name.Length, lines.Max(l => l.Value(r).Length)) + 2).ToList();
        output.WriteLine();
        output.WriteLine("".PadRight(labelWidth) + string.Concat(rows.Select((r, i) => r.Name.PadRight(widths[i]))));
        foreach (var (label, value) in lines)
        {
            output.WriteLine(label.PadRight(labelWidth) + string.Concat(rows.Select((r, i) => value(r).PadRight(widths[i]))));
        }
        foreach (var row in rows.Where(r => r.UserMessage is not null)) output.WriteLine($"{row.Name}: the user is told: {row.UserMessage}");
    }

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
