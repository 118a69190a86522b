using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Workspace.Context;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench completion</c>: drives the real server (host, queue, handlers, assistant, pipeline, model) over
/// its LSP interface through a scripted editing session, and prints side by side: server overhead per completion,
/// end-to-end time against raw LLamaSharp decoding of the same tokens, prompt tokens decoded on a follow-up
/// keystroke against a cold prompt, type-through hit rate and time, what happens to requests typed over, and peak memory.
/// </summary>
internal sealed class CompletionBenchmark(TextWriter output, int threads, Serilog.Events.LogEventLevel logLevel = Serilog.Events.LogEventLevel.Warning)
{
    private const string DocumentUri = "file:///bench/Inventory.cs";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The file the session edits: realistic C#, a few hundred tokens before the cursor.</summary>
    private const string Document = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Warehouse.Inventory;

        /// <summary>A stock item with its quantity on hand and reorder threshold.</summary>
        public sealed record StockItem(string Sku, string Name, int Quantity, int ReorderLevel, decimal UnitPrice)
        {
            public bool NeedsReorder => Quantity <= ReorderLevel;
            public decimal Value => Quantity * UnitPrice;
        }

        public interface IStockRepository
        {
            IReadOnlyList<StockItem> All();
            StockItem? Find(string sku);
            void Save(StockItem item);
        }

        public sealed class InventoryService
        {
            private readonly IStockRepository _repository;
            private readonly Action<string> _log;

            public InventoryService(IStockRepository repository, Action<string> log)
            {
                _repository = repository;
                _log = log;
            }

            public decimal TotalValue() => _repository.All().Sum(i => i.Value);

            public IReadOnlyList<StockItem> ItemsToReorder() =>
                _repository.All().Where(i => i.NeedsReorder).OrderBy(i => i.Quantity).ToList();

            public bool Remove(string sku, int quantity)
            {
                var item = _repository.Find(sku);
                if (item is null || item.Quantity < quantity)
                {
                    _log($"cannot remove {quantity} of {sku}");
                    return false;
                }
                _repository.Save(item with { Quantity = item.Quantity - quantity });
                return true;
            }

            public void Receive(string sku, int quantity)
            {
                $$
            }
        }

        """;

    private const string TypedLine = "var item = _repository.Find(sku) ?? throw new ArgumentException(sku);";
    private const string SecondLine = "_repository.Save(item with { Quantity = item.Quantity + quantity });";

    public async Task<int> RunAsync(IReadOnlyList<(string Label, string Path)> models, CancellationToken ct)
    {
        var results = new List<(string Label, Dictionary<string, string> Figures)>();
        foreach (var (label, path) in models)
        {
            output.WriteLine($"== {label}: {path}");
            results.Add((label, await RunModelAsync(path, ct).ConfigureAwait(false)));
        }

        output.WriteLine();
        output.WriteLine("figure".PadRight(58) + string.Concat(results.Select(r => r.Label.PadLeft(22))));
        foreach (var key in results[0].Figures.Keys)
        {
            output.WriteLine(key.PadRight(58) + string.Concat(results.Select(r => r.Figures.GetValueOrDefault(key, "-").PadLeft(22))));
        }
        return 0;
    }

    private async Task<Dictionary<string, string>> RunModelAsync(string modelPath, CancellationToken ct)
    {
        var figures = new Dictionary<string, string>();
        // The server's log goes to stderr at --log-level debug (each context build's time, each prompt's split).
        var logger = Cli.CliLogging.Create(logLevel);
        await using var assistant = new Assistant(logger);
        var traces = new ConcurrentQueue<CompletionTrace>();
        assistant.CompletionTraced += (_, trace) => traces.Enqueue(trace);

        var (serverStream, clientStream) = FullDuplexStream.CreatePair();
        var host = new LanguageServerHost(serverStream, serverStream, assistant, logger);
        var serving = host.RunAsync(ct);
        using var client = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options }));
        client.StartListening();

        var start = Stopwatch.StartNew();
        await client.InvokeWithParameterObjectAsync<InitializeResult>(Methods.Initialize, new InitializeParams
        {
            ProcessId = Environment.ProcessId,
            InitializationOptions = JsonSerializer.SerializeToElement(new { modelPath, threads, maxTokens = 16, contextSize = 2048 }),
        }, ct).ConfigureAwait(false);
        figures["initialize answered (ms)"] = F(start.Elapsed.TotalMilliseconds);
        await client.NotifyWithParameterObjectAsync(Methods.Initialized, new { }).ConfigureAwait(false);
        var status = await assistant.WaitForModelAsync(ct).ConfigureAwait(false);
        if (status is not ModelStatus.Ready ready) throw new InvalidOperationException($"model did not load: {status}");
        figures["model load (ms)"] = F(ready.LoadTime.TotalMilliseconds);

        var (text, caret) = (Document.Replace("$$", "", StringComparison.Ordinal), Document.IndexOf("$$", StringComparison.Ordinal));
        var caretPosition = PositionOf(text, caret);
        await client.NotifyWithParameterObjectAsync(Methods.TextDocumentDidOpen, new DidOpenTextDocumentParams
        {
            TextDocument = new TextDocumentItem { Uri = new Uri(DocumentUri), LanguageId = "csharp", Version = 1, Text = text },
        }).ConfigureAwait(false);
        // A user looks at a file before typing in it; the server prepares its Roslyn context meanwhile (on opening).
        await Task.Delay(1000, ct).ConfigureAwait(false);
        var version = 1;

        // 1. Type a line; after each keystroke an explicit request, awaited: round trip vs model compute, KV reuse.
        var roundTrips = new List<double>();
        var overheads = new List<double>();
        var decodedFollowUp = new List<double>();
        var keystrokePhases = new Dictionary<string, List<double>>();
        var slowest = new List<(double Overhead, double Context, double Paused, string Phases, int Typed)>();
        double coldPromptTokens = 0;
        var position = caretPosition;
        for (var i = 0; i < TypedLine.Length; i++)
        {
            await TypeAsync(client, ++version, position, TypedLine[i].ToString()).ConfigureAwait(false);
            position = position with { Character = position.Character + 1 };
            traces.Clear();
            // The server runs in this process: the collections during the request paused it.
            var pausedBefore = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            await CompleteAsync(client, position, InlineCompletionTriggerKind.Invoked, ct).ConfigureAwait(false);
            var ms = clock.Elapsed.TotalMilliseconds;
            var paused = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            var model = traces.LastOrDefault()?.Model;
            if (model is null) continue;
            roundTrips.Add(ms);
            overheads.Add(ms - (model.PromptTime + model.GenerationTime).TotalMilliseconds);
            AddPhases(keystrokePhases, ms, traces.Last());
            slowest.Add((overheads[^1], traces.Last().Phases?.Context.TotalMilliseconds ?? 0, paused, Describe(ms, traces.Last()), i + 1));
            if (i == 0) coldPromptTokens = model.PromptTokens - model.ReusedPromptTokens;
            else decodedFollowUp.Add(model.PromptTokens - model.ReusedPromptTokens);
        }
        figures["keystroke requests answered by the model"] = roundTrips.Count.ToString(Inv);
        figures["round trip p50 / p95 (ms)"] = $"{F(P(roundTrips, 50))} / {F(P(roundTrips, 95))}";
        figures["server overhead p50 / p95 (ms)"] = $"{F(P(overheads, 50))} / {F(P(overheads, 95))}";
        foreach (var (phase, values) in keystrokePhases) figures[$"  overhead: {phase} p50 / p95 (ms)"] = $"{F(P(values, 50), 2)} / {F(P(values, 95), 2)}";
        // Where the tail is: the slowest keystrokes, by what had been typed (the context wait is their usual cause).
        var slow = slowest.OrderByDescending(k => k.Overhead).Take(3).ToList();
        foreach (var (overhead, _, paused, phases, typed) in slow)
            logger.Debug("Slow keystroke: overhead {Overhead:F1} ms ({Phases}; GC pauses {Paused:F1}) after typing \"{Typed}\"", overhead, phases, paused, TypedLine[..typed]);
        figures["slowest keystrokes: overhead / context / GC pauses (ms) after"] = string.Join("; ", slow.Select(k => $"{F(k.Overhead)} / {F(k.Context)} / {F(k.Paused)} '{Tail(TypedLine[..k.Typed])}'"));
        figures["prompt tokens decoded: cold"] = F(coldPromptTokens);
        figures["prompt tokens decoded: follow-up p50 (share of cold)"] = $"{F(P(decodedFollowUp, 50))} ({F(100 * P(decodedFollowUp, 50) / Math.Max(1, coldPromptTokens))}%)";

        // 2. Type through the last suggestion: each keystroke that matches it is answered without the model.
        var suggestion = (await CompleteAsync(client, position, InlineCompletionTriggerKind.Invoked, ct).ConfigureAwait(false)).Items.FirstOrDefault()?.InsertText ?? "";
        int hits = 0, attempts = 0;
        var typeThroughServerMs = new List<double>();
        var typeThroughRoundTrip = new List<double>();
        foreach (var ch in suggestion.Take(12))
        {
            await TypeAsync(client, ++version, position, ch.ToString()).ConfigureAwait(false);
            position = position with { Character = position.Character + 1 };
            traces.Clear();
            var clock = Stopwatch.StartNew();
            await CompleteAsync(client, position, InlineCompletionTriggerKind.Automatic, ct).ConfigureAwait(false);
            typeThroughRoundTrip.Add(clock.Elapsed.TotalMilliseconds);
            attempts++;
            if (traces.LastOrDefault() is { Outcome: "type-through" } t)
            {
                hits++;
                typeThroughServerMs.Add(t.Total.TotalMilliseconds);
            }
        }
        figures["type-through hits / keystrokes"] = $"{hits} / {attempts}";
        figures["type-through server time p50 / p95 (ms)"] = typeThroughServerMs.Count == 0 ? "-" : $"{F(P(typeThroughServerMs, 50), 3)} / {F(P(typeThroughServerMs, 95), 3)}";
        figures["type-through round trip p50 (ms)"] = typeThroughRoundTrip.Count == 0 ? "-" : F(P(typeThroughRoundTrip, 50));

        // 3. Type a second line at 30 ms a key with automatic requests, cancelling the previous one like an editor does.
        await TypeAsync(client, ++version, position, "\n        ").ConfigureAwait(false);
        position = new Position(position.Line + 1, 8);
        traces.Clear();
        var pending = new List<Task>();
        CancellationTokenSource? previous = null;
        var typing = Stopwatch.StartNew();
        foreach (var ch in SecondLine)
        {
            if (previous is not null) await previous.CancelAsync().ConfigureAwait(false);
            await TypeAsync(client, ++version, position, ch.ToString()).ConfigureAwait(false);
            position = position with { Character = position.Character + 1 };
            previous = new CancellationTokenSource();
            pending.Add(CompleteAsync(client, position, InlineCompletionTriggerKind.Automatic, previous.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            await Task.Delay(30, ct).ConfigureAwait(false);
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        var typingMs = typing.Elapsed.TotalMilliseconds;
        await Task.Delay(300, ct).ConfigureAwait(false);
        var outcomes = traces.GroupBy(t => t.Outcome.StartsWith("skipped", StringComparison.Ordinal) ? "skipped" : t.Outcome).ToDictionary(g => g.Key, g => g.Count());
        figures["burst: keystrokes / requests reaching the model"] = $"{SecondLine.Length} / {traces.Count(t => t.Model is not null)}";
        figures["burst: cancelled / superseded / skipped / type-through"] = $"{outcomes.GetValueOrDefault("cancelled")} / {outcomes.GetValueOrDefault("superseded")} / {outcomes.GetValueOrDefault("skipped")} / {outcomes.GetValueOrDefault("type-through")}";
        figures["burst: typing time (ms)"] = F(typingMs);

        // 4. Cold prompts side by side with raw LLamaSharp decoding the same tokens.
        var host2 = ((LocalEngine)assistant.Pipeline!.Model).Host;
        using (var raw = RawDecodeBaseline.Load(modelPath, threads, host2.Description.ContextSize))
        {
            var e2e = new List<double>();
            var coldPhases = new Dictionary<string, List<double>>();
            var baseline = new List<double>();
            var generatedTokens = new List<double>(); // the raw run generates as many
            var uris = Enumerable.Range(0, 7).Select(n => new Uri($"file:///bench/Cold{n}.cs")).ToList();
            var coldPosition = caretPosition with { Line = caretPosition.Line + 1 };
            // Each document is opened and asked once first, unmeasured: its Roslyn context is then built, as in a
            // file the user has been working in. Taking the documents in turn, each request starts from a KV cache
            // holding another document's prompt (a different first line): both sides decode the whole prompt.
            for (var round = 0; round < 2; round++)
            {
                for (var n = 0; n < uris.Count; n++)
                {
                    if (round == 0)
                    {
                        await client.NotifyWithParameterObjectAsync(Methods.TextDocumentDidOpen, new DidOpenTextDocumentParams
                        {
                            TextDocument = new TextDocumentItem { Uri = uris[n], LanguageId = "csharp", Version = 1, Text = $"// variant {n} {new string('x', n)}\n" + text },
                        }).ConfigureAwait(false);
                    }
                    traces.Clear();
                    var clock = Stopwatch.StartNew();
                    await client.InvokeWithParameterObjectAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new InlineCompletionParams
                    {
                        TextDocument = new TextDocumentIdentifier { Uri = uris[n] },
                        Position = coldPosition,
                        Context = new InlineCompletionContext { TriggerKind = InlineCompletionTriggerKind.Invoked },
                    }, ct).ConfigureAwait(false);
                    var ms = clock.Elapsed.TotalMilliseconds;
                    var trace = traces.LastOrDefault(t => t.Model is not null);
                    if (round == 0 || trace?.Model is null || trace.Prompt is null) continue;
                    var tokens = host2.PromptTokenIds(trace.Prompt, 16);
                    var rawMs = raw.Run(tokens, trace.Model.GeneratedTokens).TotalMilliseconds;
                    AddPhases(coldPhases, ms, trace);
                    AddSplit(coldPhases, "tokenizing the prompt (server only)", trace.Model.TokenizeTime.TotalMilliseconds);
                    AddSplit(coldPhases, "prompt decode: server", (trace.Model.PromptTime - trace.Model.TokenizeTime).TotalMilliseconds);
                    AddSplit(coldPhases, "prompt decode: raw", raw.LastPromptTime.TotalMilliseconds);
                    AddSplit(coldPhases, "generation: server", trace.Model.GenerationTime.TotalMilliseconds);
                    AddSplit(coldPhases, "generation: raw", rawMs - raw.LastPromptTime.TotalMilliseconds);
                    generatedTokens.Add(trace.Model.GeneratedTokens);
                    e2e.Add(ms);
                    baseline.Add(rawMs);
                }
            }
            figures["cold: end-to-end p50 (ms)"] = F(P(e2e, 50));
            figures["cold: raw LLamaSharp, same tokens, p50 (ms)"] = F(P(baseline, 50));
            figures["cold: end-to-end / raw (median of pairs)"] = F(P(e2e.Zip(baseline, (a, b) => a / b).ToList(), 50), 3);
            foreach (var (phase, values) in coldPhases) figures[$"  cold: {phase} p50 (ms)"] = F(P(values, 50), 2);
            figures["  cold: tokens generated, server and raw alike, p50"] = F(P(generatedTokens, 50));
        }

        figures["peak memory (MiB, VmHWM)"] = F(PeakMemoryMiB());
        await client.InvokeWithParameterObjectAsync<object?>(Methods.Shutdown, null, ct).ConfigureAwait(false);
        await client.NotifyWithParameterObjectAsync(Methods.Exit).ConfigureAwait(false);
        await serving.ConfigureAwait(false);
        foreach (var (key, value) in figures) output.WriteLine($"  {key}: {value}");
        return figures;
    }

    private static void AddSplit(Dictionary<string, List<double>> phases, string name, double ms)
    {
        if (!phases.TryGetValue(name, out var list)) phases[name] = list = [];
        list.Add(ms);
    }

    /// <summary>Where a model request's time went outside the model's own prompt and generation time.</summary>
    private static string Tail(string typed) => typed.Length <= 8 ? typed : "…" + typed[^7..];

    /// <summary>One request's phases, in ms, for the log.</summary>
    private static string Describe(double roundTripMs, CompletionTrace trace)
    {
        var phases = new Dictionary<string, List<double>>();
        AddPhases(phases, roundTripMs, trace);
        return string.Join(", ", phases.Where(p => p.Value[0] >= 0.5).Select(p => $"{p.Key} {p.Value[0].ToString("F1", Inv)}"));
    }

    private static void AddPhases(Dictionary<string, List<double>> phases, double roundTripMs, CompletionTrace trace)
    {
        void Add(string name, double ms)
        {
            if (!phases.TryGetValue(name, out var list)) phases[name] = list = [];
            list.Add(ms);
        }
        Add("transport and queue", roundTripMs - trace.Total.TotalMilliseconds);
        Add("before generating (trigger, supersede)", trace.Waited.TotalMilliseconds);
        if (trace.Phases is not { } p || trace.Model is not { } m) return;
        Add("syntax and prompt window", p.Prompt.TotalMilliseconds);
        Add("Roslyn context and constraint", p.Context.TotalMilliseconds);
        Add("engine outside decode", (p.Engine - m.PromptTime - m.GenerationTime).TotalMilliseconds);
        Add("cleaning", p.Clean.TotalMilliseconds);
        Add("compile check", p.CompileCheck.TotalMilliseconds);
        var accounted = roundTripMs - trace.Total.TotalMilliseconds + trace.Waited.TotalMilliseconds + (p.Prompt + p.Context + p.Engine + p.Clean + p.CompileCheck).TotalMilliseconds;
        Add("round trip not in a phase", roundTripMs - accounted);
    }

    private static Task TypeAsync(JsonRpc client, int version, Position at, string text) =>
        client.NotifyWithParameterObjectAsync(Methods.TextDocumentDidChange, new DidChangeTextDocumentParams
        {
            TextDocument = new VersionedTextDocumentIdentifier { Uri = new Uri(DocumentUri), Version = version },
            ContentChanges = [new TextDocumentContentChangeEvent { Range = new Protocol.Range(at, at), Text = text }],
        });

    private static async Task<InlineCompletionList> CompleteAsync(JsonRpc client, Position at, InlineCompletionTriggerKind kind, CancellationToken ct)
    {
        try
        {
            return await client.InvokeWithParameterObjectAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new InlineCompletionParams
            {
                TextDocument = new TextDocumentIdentifier { Uri = new Uri(DocumentUri) },
                Position = at,
                Context = new InlineCompletionContext { TriggerKind = kind },
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RemoteInvocationException)
        {
            return new InlineCompletionList();
        }
    }

    private static Position PositionOf(string text, int offset)
    {
        var line = text[..offset].Count(c => c == '\n');
        var column = offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        return new Position(line, column);
    }

    private static double P(IReadOnlyList<double> values, int percentile) => ContextBenchmarkReport.Percentile(values, percentile);

    private static double PeakMemoryMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], Inv) / 1024;
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    private static string F(double value, int decimals = 1) => double.IsNaN(value) ? "-" : value.ToString("F" + decimals, Inv);
}
