using System.Diagnostics;
using System.Globalization;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks.Wire;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench exit</c>: how long the real process takes to end after <c>exit</c>, as an editor sees it (Neovim waits for
/// it): the server runs as a child over stdio, gets initialize/initialized (and a model and workspace when asked), then
/// shutdown; the time from writing exit to the process having ended is measured, several runs, median. Stdin stays open
/// throughout, as editors keep it.
/// </summary>
internal sealed class ExitBenchmark(TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync(int runs, string? model, string? workspace, string? server, CancellationToken ct)
    {
        string? temp = null;
        if (model is null)
        {
            temp = Directory.CreateTempSubdirectory("codelsp-bench-exit-").FullName;
            model = Path.Combine(temp, "tiny.gguf");
            TinyModel.Write(model, new TinyModelOptions());
        }
        try
        {
            var scenarios = new List<(string Name, string? Model, string? Workspace)> { ("bare (no model, no folder)", null, null), ("tiny model loaded", model, null) };
            if (workspace is not null) scenarios.Add(("model + workspace loaded", model, workspace));
            output.WriteLine($"server: {server ?? "this build"}; {runs} runs per scenario; exit = time from writing 'exit' to the process having ended");
            foreach (var (name, scenarioModel, folder) in scenarios)
            {
                var exits = new List<double>();
                var shutdowns = new List<double>();
                var codes = new List<int>();
                for (var run = 0; run < runs; run++)
                {
                    ct.ThrowIfCancellationRequested();
                    var (shutdown, exit, code) = await RunOnceAsync(scenarioModel, folder, server).ConfigureAwait(false);
                    shutdowns.Add(shutdown);
                    exits.Add(exit);
                    codes.Add(code);
                }
                output.WriteLine(string.Create(Inv,
                    $"{name,-28} exit median {Median(exits),7:F1} ms  min {exits.Min(),7:F1}  max {exits.Max(),7:F1}   shutdown answered in median {Median(shutdowns):F1} ms   exit codes {string.Join(",", codes.Distinct())}"));
            }
            return 0;
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }

    private static async Task<(double ShutdownMs, double ExitMs, int Code)> RunOnceAsync(string? model, string? workspace, string? server)
    {
        await using var child = ServerChild.Start(server);
        await child.InitializeAsync(workspace, model is null ? null : new { modelPath = model }).ConfigureAwait(false);
        if (model is not null) await child.WaitForModelAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        if (workspace is not null) await child.WaitForWorkspaceAsync(TimeSpan.FromSeconds(300)).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        await child.Client.RequestAsync(Protocol.Methods.Shutdown, null).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var shutdown = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        await child.Client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
        await child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return (shutdown, clock.Elapsed.TotalMilliseconds, child.Process.ExitCode);
    }

    private static double Median(IReadOnlyList<double> values) => ContextBenchmarkReport.Percentile(values, 50);
}
