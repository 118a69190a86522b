using System.Diagnostics;
using System.Globalization;
using CodeLsp.Features.Actions;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench actions</c>: (1) typing wins — inline completion latency while an AI action generates in the background
/// against idle, side by side in alternating rounds of one run; (2) <c>textDocument/codeAction</c> latency (the AI offers,
/// pure Roslyn) at sampled positions of a loaded solution, warm and on the first request after an edit.
/// </summary>
internal sealed class ActionsBenchmark(TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // The class and TotalValue up to its loop body, a blank line between them.
    private const string Prefix = InventorySource.ClassStart + "\n" + InventorySource.TotalValueHead;

    private const string Typed = InventorySource.TypedLine;

    /// <summary>Completions while a background chat generates vs idle; returns 0.</summary>
    public async Task<int> RunTypingAsync(string modelPath, int threads, int rounds, CancellationToken ct)
    {
        using var host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = modelPath, Threads = threads, ContextSize = 4096 }, null, ct).ConfigureAwait(false);
        if (host.Chat is null)
        {
            output.WriteLine($"{host.Description.Name} has no chat template: the typing-during-action benchmark needs one.");
            return 1;
        }

        output.WriteLine($"Typing during an AI action: {host.Description.Name} ({host.Description.ParameterCount:N0} parameters), {threads} thread(s), {rounds} rounds of idle and busy keystrokes, alternating");
        var chatRequest = new ChatRequest([
            new ChatMessage("system", "You are an expert C# developer. Answer with exactly one ```csharp code block."),
            new ChatMessage("user", Prefix + "\n Implement TotalValue. Keep the signature.")]) { ResponsePrefix = "```csharp\n" };
        var idle = new List<double>();
        var busy = new List<double>();
        var chatTokens = 0;
        var keystroke = 0;

        async Task<double> CompleteOnce()
        {
            // Type one more character of the line each time, as the editor does.
            keystroke = (keystroke + 1) % Typed.Length;
            var prompt = new FimPrompt(Prefix + "\n" + Typed[..keystroke], InventorySource.TotalValueTail);
            var clock = Stopwatch.StartNew();
            await host.CompleteAsync(prompt, new GenerationLimits(16, TimeSpan.FromSeconds(10)), ct).ConfigureAwait(false);
            return clock.Elapsed.TotalMilliseconds;
        }

        async Task Phase(List<double> into, int count)
        {
            for (var i = 0; i < count; i++)
            {
                into.Add(await CompleteOnce().ConfigureAwait(false));
                await Task.Delay(25, ct).ConfigureAwait(false); // the gap between keystrokes
            }
        }

        for (var i = 0; i < 3; i++) await CompleteOnce().ConfigureAwait(false); // warm-up
        for (var round = 0; round < rounds; round++)
        {
            using var action = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var generated = 0;
            host.Chat.TokenGenerated = n => { generated = n; if (n >= 3) started.TrySetResult(); };
            if (round % 2 == 1) await Phase(idle, 8).ConfigureAwait(false);
            var chat = host.ChatAsync(chatRequest, new GenerationLimits(1_000_000, TimeSpan.FromMinutes(10)) { Priority = WorkPriority.Background }, action.Token);
            await started.Task.WaitAsync(TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
            await Phase(busy, 8).ConfigureAwait(false);
            var running = !chat.IsCompleted;
            await action.CancelAsync().ConfigureAwait(false);
            try
            {
                await chat.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            chatTokens += generated;
            if (!running) output.WriteLine($"  round {round + 1}: the action ended before the busy phase did (results for this round are partial)");
            if (round % 2 == 0) await Phase(idle, 8).ConfigureAwait(false);
        }

        host.Chat.TokenGenerated = null;
        double P(List<double> v, int p) => ContextBenchmarkReport.Percentile(v, p);
        output.WriteLine(string.Create(Inv, $"  idle:           p50 {P(idle, 50),7:F1} ms   p95 {P(idle, 95),7:F1} ms   ({idle.Count} completions)"));
        output.WriteLine(string.Create(Inv, $"  during action:  p50 {P(busy, 50),7:F1} ms   p95 {P(busy, 95),7:F1} ms   ({busy.Count} completions; the action generated {chatTokens} tokens meanwhile)"));
        output.WriteLine(string.Create(Inv, $"  ratio:          p50 {P(busy, 50) / P(idle, 50):F2}x   p95 {P(busy, 95) / P(idle, 95):F2}x   (target <= 1.2x)"));
        return 0;
    }

    /// <summary>AI code-action offers at sampled positions of the solution in <paramref name="folder"/>.</summary>
    public async Task<int> RunCodeActionsAsync(string folder, int samples, CancellationToken ct)
    {
        var logger = Cli.CliLogging.Create();
        using var workspace = new WorkspaceHost(logger);
        var load = Stopwatch.StartNew();
        await workspace.LoadAsync(folder, trusted: true, null, ct).ConfigureAwait(false);
        var solution = workspace.CurrentSolution;
        output.WriteLine($"codeAction latency on {folder}: {workspace.State.ProjectCount} project(s), {workspace.State.DocumentCount} document(s), loaded in {load.Elapsed.TotalSeconds:F1} s ({workspace.State.Mode})");
        var info = new EngineInfo { Kind = "bench", ModelName = "instruct", Location = "-", ContextSize = 4096, SupportsChat = true, SupportsFim = true, ExactTokenCounts = false };
        var provider = new AiCodeActionProvider(workspace, () => info, logger);

        // Positions: a method's name (header: docs, tests), its first statement (implement), and every error.
        var sites = new List<(Document Document, int Position)>();
        foreach (var document in solution.Projects.Where(p => p.Language == LanguageNames.CSharp).SelectMany(p => p.Documents)
                     .Where(d => d.FilePath is { } f && !f.Contains("/obj/", StringComparison.Ordinal)).OrderBy(d => d.FilePath, StringComparer.Ordinal))
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            foreach (var method in root!.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                sites.Add((document, method.Identifier.SpanStart));
                if (method.Body?.Statements.FirstOrDefault() is { } statement) sites.Add((document, statement.SpanStart));
            }
        }

        if (sites.Count == 0)
        {
            output.WriteLine("  no methods found");
            return 1;
        }

        var stride = Math.Max(1, sites.Count / samples);
        var chosen = sites.Where((_, i) => i % stride == 0).Take(samples).ToList();
        async Task<(double Ms, int Offers)> Ask(Document document, int position)
        {
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var at = text.Lines.GetLinePosition(position);
            var state = new TextDocumentState(new Uri(document.FilePath!), "csharp", 1, text);
            var clock = Stopwatch.StartNew();
            var offers = await provider.OffersAsync(document, new CodeActionQuery(state, new LinePositionSpan(at, at), Automatic: false), info, ct).ConfigureAwait(false);
            return (clock.Elapsed.TotalMilliseconds, offers.Count);
        }

        foreach (var (document, position) in chosen.Take(20)) await Ask(document, position).ConfigureAwait(false); // warm-up: compilations
        var warm = new List<double>();
        var offered = 0;
        foreach (var (document, position) in chosen)
        {
            var (ms, count) = await Ask(document, position).ConfigureAwait(false);
            warm.Add(ms);
            offered += count > 0 ? 1 : 0;
        }

        // The first request after an edit: the document's text changed, so its semantic model is rebuilt.
        var afterEdit = new List<double>();
        foreach (var group in chosen.GroupBy(s => s.Document.Id).Take(samples / 2))
        {
            var (document, position) = group.First();
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var edited = document.WithText(text.WithChanges(new TextChange(new TextSpan(text.Length, 0), "\n")));
            afterEdit.Add((await Ask(edited, position).ConfigureAwait(false)).Ms);
        }

        // Where the time goes: each action's own offer check, on a fresh site per position (warm documents).
        var perAction = AiActionRunner.Actions.ToDictionary(a => a.Kind, _ => new List<double>());
        var siteTimes = new List<double>();
        foreach (var (document, position) in chosen)
        {
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            var at = text.Lines.GetLinePosition(position);
            var clock = Stopwatch.StartNew();
            var site = await ActionSite.CreateAsync(document, new LinePositionSpan(at, at), ct, provider.ErrorBudget).ConfigureAwait(false);
            siteTimes.Add(clock.Elapsed.TotalMilliseconds);
            foreach (var action in AiActionRunner.Actions)
            {
                clock.Restart();
                await action.OfferAsync(site, ct).ConfigureAwait(false);
                perAction[action.Kind].Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        double P(List<double> v, int p) => ContextBenchmarkReport.Percentile(v, p);
        output.WriteLine(string.Create(Inv, $"  split (p50/p95 ms): site {P(siteTimes, 50):F1}/{P(siteTimes, 95):F1}; ") +
            string.Join("; ", perAction.Select(a => string.Create(Inv, $"{AiActionNames.Name(a.Key)} {P(a.Value, 50):F1}/{P(a.Value, 95):F1}"))));
        output.WriteLine(string.Create(Inv, $"  warm:             p50 {P(warm, 50),6:F1} ms   p95 {P(warm, 95),6:F1} ms   max {warm.Max(),7:F1} ms   ({warm.Count} positions, {offered} with an AI action)"));
        output.WriteLine(string.Create(Inv, $"  first after edit: p50 {P(afterEdit, 50),6:F1} ms   p95 {P(afterEdit, 95),6:F1} ms   max {afterEdit.Max(),7:F1} ms   ({afterEdit.Count} documents)"));
        output.WriteLine($"  {provider.ErrorsLate} answer(s) left the error quick fixes out: errors not known within {provider.ErrorBudget.TotalMilliseconds:F0} ms (computed in the background for the next request)");
        output.WriteLine("  (target: p95 <= 50 ms; the offers only, in process: the LSP wire adds well under a millisecond)");
        return 0;
    }
}
