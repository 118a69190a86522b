using System.Globalization;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks.Wire;

namespace CodeLsp.Server.Benchmarks.Idle;

/// <summary>
/// <c>codelsp bench idle</c>: the real executable with a model (and a workspace when given) gets a short burst of editing
/// and completions, then nothing: after a quiet period it measures the CPU time and context switches of every thread
/// over the window (from /proc), and names the threads that did anything. With <c>--unload-after</c> it then waits for
/// the idle unload and prints the resident memory before, after, and after the reload that the next request causes.
/// </summary>
internal sealed class IdleBenchmark(TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync(string? model, string? workspace, TimeSpan quiet, TimeSpan window, double unloadAfterMinutes, CancellationToken ct)
    {
        string? temp = null;
        if (model is null)
        {
            temp = Directory.CreateTempSubdirectory("codelsp-bench-idle-").FullName;
            model = Path.Combine(temp, "model.gguf");
            TinyModel.Write(model, new TinyModelOptions { Dim = 512, Layers = 8, ContextLength = 4096 });
        }
        try
        {
            await using var child = ServerChild.Start();
            await child.InitializeAsync(workspace, new { modelPath = model, unloadAfterIdleMinutes = unloadAfterMinutes }).ConfigureAwait(false);
            await child.WaitForModelAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            if (workspace is not null) await child.WaitForWorkspaceAsync(TimeSpan.FromSeconds(300)).ConfigureAwait(false);
            var uri = "file:///idle/Burst.cs";
            var text = "class Burst\n{\n    int Sum(int a, int b)\n    {\n        return \n    }\n}\n";
            await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidOpen, new { textDocument = new { uri, languageId = "csharp", version = 1, text } }).ConfigureAwait(false);
            for (var i = 0; i < 5; i++)
            {
                await CompleteAsync(child, uri, ct).ConfigureAwait(false);
            }
            var loaded = child.Memory();

            output.WriteLine(string.Create(Inv, $"burst done (model {Path.GetFileName(model)}, workspace {workspace ?? "(none)"}); quiet for {quiet.TotalSeconds:0} s, then measuring {window.TotalSeconds:0} s"));
            await Task.Delay(quiet, ct).ConfigureAwait(false);
            var before = ProcessCpu.Read(child.ServerPid);
            await Task.Delay(window, ct).ConfigureAwait(false);
            var after = ProcessCpu.Read(child.ServerPid);
            var cpuMs = (after.Ticks - before.Ticks) * 1000 / ProcessCpu.TicksPerSecond;
            output.WriteLine(string.Create(Inv, $"idle window: CPU {cpuMs:F0} ms over {window.TotalSeconds:0} s ({cpuMs / window.TotalMilliseconds * 100:F3} % of one core), threads {before.Threads.Count} then {after.Threads.Count}"));
            var woken = after.Since(before).Where(t => t.Ticks > 0 || t.Switches > 0).OrderByDescending(t => t.Switches).ToList();
            output.WriteLine($"threads that woke up: {woken.Count}, wakeups {woken.Sum(t => t.Switches)}; threads that ended in the window: {before.Threads.Keys.Except(after.Threads.Keys).Count()}");
            foreach (var (tid, name, ticks, switches) in woken.Take(10))
            {
                output.WriteLine(string.Create(Inv, $"  thread {tid} {name,-16} CPU {ticks * 1000 / ProcessCpu.TicksPerSecond,5:F0} ms, {switches} wakeups"));
            }

            if (unloadAfterMinutes > 0)
            {
                await child.Client.WaitForNotificationAsync(
                    m => m.GetProperty("params").TryGetProperty("message", out var message) && message.GetString()!.Contains("unloaded after the idle interval", StringComparison.Ordinal),
                    TimeSpan.FromMinutes(unloadAfterMinutes) + TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                await Task.Delay(1000, ct).ConfigureAwait(false);
                var unloaded = child.Memory();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await CompleteAsync(child, uri, ct).ConfigureAwait(false);
                var reloadMs = clock.Elapsed.TotalMilliseconds;
                var reloaded = child.Memory();
                output.WriteLine(string.Create(Inv, $"resident memory: loaded {loaded?.Current:F0} MiB, after idle unload {unloaded?.Current:F0} MiB, after the next request reloaded it {reloaded?.Current:F0} MiB (that request took {reloadMs:F0} ms)"));
            }
            await child.Client.RequestAsync(Protocol.Methods.Shutdown, null).ConfigureAwait(false);
            await child.Client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }

    private static Task CompleteAsync(ServerChild child, string uri, CancellationToken ct) =>
        child.Client.RequestAsync(Protocol.Methods.TextDocumentInlineCompletion, new
        {
            textDocument = new { uri },
            position = new { line = 4, character = 15 },
            context = new { triggerKind = 1 },
        }).WaitAsync(TimeSpan.FromSeconds(120), ct);
}
