using System.Diagnostics;
using System.Globalization;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench actions --during fim</c>: typing wins over background FIM work on the completion context. An AI
/// action on a base model (up to 384 tokens for "implement") or a next-edit body keeps generating in the background,
/// restarted whenever it ends; keystroke completions are timed meanwhile and, in alternating rounds of the same run,
/// with the model idle. Every background answer is compared with an uninterrupted one (greedy decoding: pausing for
/// typing must not change it; the tests prove it exactly, here it is a check at scale). Uses only <see cref="ModelHost.CompleteAsync"/>, so the same file builds against an
/// older ModelHost for a before/after comparison.
/// </summary>
internal sealed class TypingDuringFimBenchmark(TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;



    private const string Prefix = InventorySource.ClassStart;
    private const string Typed = InventorySource.TypedLine;

    // The action implements another method of the same class: the two prompts share their start.
    private static readonly FimPrompt s_action = new(Prefix + "    public IEnumerable<StockItem> Cheapest(int count)\n    {\n", "\n    }\n}\n");

    /// <summary>Keystroke completions while a background FIM completion runs vs idle; returns 0.</summary>
    public async Task<int> RunAsync(string modelPath, int threads, int rounds, int actionTokens, CancellationToken ct)
    {
        using var host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = modelPath, Threads = threads, ContextSize = 4096 }, null, ct).ConfigureAwait(false);
        var actionLimits = new GenerationLimits(actionTokens, TimeSpan.FromMinutes(10)) { Priority = WorkPriority.Background };
        var keystroke = 0;

        var shape = new Dictionary<List<double>, (int Decoded, int Generated)>();

        async Task<(double Ms, FimCompletion Answer)> CompleteOnce()
        {
            // Type one more character of the line each time, as the editor does.
            keystroke = (keystroke + 1) % Typed.Length;
            var prompt = new FimPrompt(Prefix + InventorySource.TotalValueHead + "\n" + Typed[..keystroke], InventorySource.TotalValueTail);
            var clock = Stopwatch.StartNew();
            var answer = await host.CompleteAsync(prompt, new GenerationLimits(16, TimeSpan.FromSeconds(10)), ct).ConfigureAwait(false);
            return (clock.Elapsed.TotalMilliseconds, answer);
        }

        // The uninterrupted answer, and how long it takes alone. Taken after a few keystrokes, as every later one is:
        // on the 512-dim generated model a cold cache alone changes the greedy text (measured; the same with or without pausing).
        for (var i = 0; i < 3; i++) await CompleteOnce().ConfigureAwait(false);
        var alone = Stopwatch.StartNew();
        var reference = await host.CompleteAsync(s_action, actionLimits, ct).ConfigureAwait(false);
        var actionMs = alone.Elapsed.TotalMilliseconds;
        output.WriteLine(string.Create(Inv,
            $"Typing during a background FIM completion: {host.Description.Name} ({host.Description.ParameterCount:N0} parameters), {threads} thread(s); " +
            $"the background answer: {reference.PromptTokens} prompt + {reference.GeneratedTokens} generated tokens, {actionMs:F0} ms alone; {rounds} rounds of 8 idle and 8 busy keystrokes, alternating"));

        var idle = new List<double>();
        var busy = new List<double>();
        var answers = 0;
        var changed = 0;
        var backgroundTokens = 0;

        async Task Phase(List<double> into, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (ms, answer) = await CompleteOnce().ConfigureAwait(false);
                into.Add(ms);
                var (decoded, generated) = shape.GetValueOrDefault(into);
                shape[into] = (decoded + answer.PromptTokens - answer.ReusedPromptTokens, generated + answer.GeneratedTokens);
                await Task.Delay(25, ct).ConfigureAwait(false); // the gap between keystrokes
            }
        }

        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 1) await Phase(idle, 8).ConfigureAwait(false);

            // The action is restarted whenever it ends, so every busy keystroke meets one running; the last one is
            // left to finish after the keystrokes, so that every round checks a paused answer.
            var typing = true;
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var background = Task.Run(async () =>
            {
                while (Volatile.Read(ref typing))
                {
                    var answer = host.CompleteAsync(s_action, actionLimits, ct);
                    started.TrySetResult();
                    var done = await answer.ConfigureAwait(false);
                    answers++;
                    backgroundTokens += done.GeneratedTokens;
                    changed += done.Text == reference.Text ? 0 : 1;
                }
            }, CancellationToken.None);
            await started.Task.ConfigureAwait(false);
            await Task.Delay(20, ct).ConfigureAwait(false); // let it get into its prompt
            await Phase(busy, 8).ConfigureAwait(false);
            Volatile.Write(ref typing, false);
            await background.ConfigureAwait(false);

            if (round % 2 == 0) await Phase(idle, 8).ConfigureAwait(false);
        }

        double P(List<double> v, int p) => ContextBenchmarkReport.Percentile(v, p);
        string Shape(List<double> v) => string.Create(Inv, $"{v.Count} completions, on average {(double)shape[v].Decoded / v.Count:F0} prompt tokens decoded and {(double)shape[v].Generated / v.Count:F1} generated");
        output.WriteLine(string.Create(Inv, $"  idle:                p50 {P(idle, 50),7:F1} ms   p95 {P(idle, 95),7:F1} ms   ({Shape(idle)})"));
        output.WriteLine(string.Create(Inv, $"  during background:   p50 {P(busy, 50),7:F1} ms   p95 {P(busy, 95),7:F1} ms   ({Shape(busy)})"));
        output.WriteLine(string.Create(Inv, $"  ratio:               p50 {P(busy, 50) / P(idle, 50):F2}x   p95 {P(busy, 95) / P(idle, 95):F2}x"));
        output.WriteLine($"  background answers (each round's last one finished after its keystrokes): {answers} ({backgroundTokens} tokens), {changed} different from the uninterrupted answer");
        return 0;
    }
}
