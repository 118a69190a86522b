using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Inference.Engines;
using CodeLsp.Protocol;
using CodeLsp.Server.Benchmarks.EngineDoubles;
using CodeLsp.Server.Hosting;
using CodeLsp.Workspace.Context;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench remote</c>: drives the real server (host, queue, handlers, assistant, pipeline with Roslyn context
/// and cleaning, remote engine, HTTP) over LSP against each engine double on 127.0.0.1, and prints side by side:
/// server overhead per remote completion (the LSP round trip minus the double's own time for that request, from the
/// request's last byte read to the answer's last byte written), and a burst of keystrokes at 30 ms with automatic
/// requests cancelled as an editor cancels them: requests that reached the engine and connections closed by cancellation.
/// </summary>
internal sealed class RemoteEngineBenchmark(TextWriter output)
{
    private const string DocumentUri = "file:///bench/Inventory.cs";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Document = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Warehouse.Inventory;

        public sealed record StockItem(string Sku, string Name, int Quantity, int ReorderLevel, decimal UnitPrice);

        public interface IStockRepository
        {
            IReadOnlyList<StockItem> All();
            StockItem? Find(string sku);
            void Save(StockItem item);
        }

        public sealed class InventoryService(IStockRepository repository, Action<string> log)
        {
            public decimal TotalValue() => repository.All().Sum(i => i.Quantity * i.UnitPrice);

            public void Receive(string sku, int quantity)
            {
                $$
            }
        }

        """;

    private const string TypedLines = "var item = repository.Find(sku) ?? throw new ArgumentException(sku);\n        var total = TotalValue() + item.Quantity * item.UnitPrice;\n        log($\"{sku}: {total}\");\n        ";
    private const string BurstLine = "repository.Save(item with { Quantity = item.Quantity + quantity }); log($\"received {quantity}\");";

    public async Task<int> RunAsync(int keystrokes, CancellationToken ct, IReadOnlyList<string>? kinds = null)
    {
        var results = new List<(string Kind, Dictionary<string, string> Figures)>();
        IReadOnlyList<string> order = kinds is { Count: > 0 } ? kinds : [EngineKinds.LlamaCpp, EngineKinds.Ollama, EngineKinds.OpenAi];
        // Unmeasured first, every kind: JIT (tiered compilation), thread-pool growth and the Roslyn workspace's first
        // compilations would otherwise count against whichever kind is measured first (measured: 3-4 ms vs 1-1.5 ms).
        foreach (var kind in order)
        {
            await new RemoteEngineBenchmark(TextWriter.Null).RunKindAsync(kind, Math.Min(keystrokes, 60), ct).ConfigureAwait(false);
        }
        foreach (var kind in order)
        {
            output.WriteLine($"== {kind}");
            results.Add((kind, await RunKindAsync(kind, keystrokes, ct).ConfigureAwait(false)));
        }
        output.WriteLine();
        output.WriteLine("figure".PadRight(62) + string.Concat(results.Select(r => r.Kind.PadLeft(16))));
        foreach (var key in results[0].Figures.Keys)
        {
            output.WriteLine(key.PadRight(62) + string.Concat(results.Select(r => r.Figures.GetValueOrDefault(key, "-").PadLeft(16))));
        }
        return 0;
    }

    private async Task<Dictionary<string, string>> RunKindAsync(string kind, int keystrokes, CancellationToken ct)
    {
        var (http, model, setDelay, dispose) = StartDouble(kind);
        await using var _ = dispose;
        var figures = new Dictionary<string, string>();
        var logger = Cli.CliLogging.Create();
        await using var assistant = new Assistant(logger);
        var (serverStream, clientStream) = FullDuplexStream.CreatePair();
        var host = new LanguageServerHost(serverStream, serverStream, assistant, logger);
        var serving = host.RunAsync(ct);
        using var client = new JsonRpc(new HeaderDelimitedMessageHandler(clientStream, clientStream, new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options }));
        client.StartListening();

        await client.InvokeWithParameterObjectAsync<InitializeResult>(Methods.Initialize, new InitializeParams
        {
            ProcessId = Environment.ProcessId,
            InitializationOptions = JsonSerializer.SerializeToElement(new { engine = kind, engineUrl = http.Url.ToString(), engineModel = model, maxTokens = 32 }),
        }, ct).ConfigureAwait(false);
        await client.NotifyWithParameterObjectAsync(Methods.Initialized, new { }).ConfigureAwait(false);
        var status = await assistant.WaitForModelAsync(ct).ConfigureAwait(false);
        if (status is not ModelStatus.Ready ready) throw new InvalidOperationException($"engine did not connect: {status}");
        figures["probe round trip (ms)"] = F(ready.LoadTime.TotalMilliseconds);

        var text = Document.Replace("$$", "", StringComparison.Ordinal);
        var position = PositionOf(text, Document.IndexOf("$$", StringComparison.Ordinal));
        await client.NotifyWithParameterObjectAsync(Methods.TextDocumentDidOpen, new DidOpenTextDocumentParams
        {
            TextDocument = new TextDocumentItem { Uri = new Uri(DocumentUri), LanguageId = "csharp", Version = 1, Text = text },
        }).ConfigureAwait(false);
        var version = 1;

        // 1. Type a line; after each keystroke an explicit request, awaited, each answered by the engine.
        var roundTrips = new List<double>();
        var overheads = new List<double>();
        var clientOverheads = new List<double>();
        var traces = new System.Collections.Concurrent.ConcurrentQueue<Features.Completion.CompletionTrace>();
        assistant.CompletionTraced += (_, trace) => traces.Enqueue(trace);
        for (var i = 0; i < keystrokes; i++)
        {
            var ch = TypedLines[i % TypedLines.Length];
            await TypeAsync(client, ++version, position, ch.ToString()).ConfigureAwait(false);
            position = ch == '\n' ? new Position(position.Line + 1, 0) : position with { Character = position.Character + 1 };
            var before = http.ServiceTimes.Count;
            traces.Clear();
            var clock = Stopwatch.StartNew();
            await CompleteAsync(client, position, InlineCompletionTriggerKind.Invoked, ct).ConfigureAwait(false);
            var ms = clock.Elapsed.TotalMilliseconds;
            var served = http.ServiceTimes;
            if (served.Count != before + 1) continue;
            roundTrips.Add(ms);
            overheads.Add(ms - served[^1].TotalMilliseconds);
            if (traces.LastOrDefault()?.Model is { } answered) clientOverheads.Add((answered.PromptTime + answered.GenerationTime - served[^1]).TotalMilliseconds);
        }
        figures["keystroke requests answered by the engine"] = roundTrips.Count.ToString(Inv);
        figures["round trip p50 / p95 (ms)"] = $"{F(P(roundTrips, 50))} / {F(P(roundTrips, 95))}";
        figures["engine (double) time p50 (ms)"] = F(P(http.ServiceTimes.Select(t => t.TotalMilliseconds).ToList(), 50), 2);
        figures["server overhead p50 / p95 (ms)"] = $"{F(P(overheads, 50), 2)} / {F(P(overheads, 95), 2)}";
        figures["  of which HTTP client and parsing p50 (ms)"] = F(P(clientOverheads, 50), 2);

        // 2. A burst at 30 ms a key, automatic requests, each cancelling the one before (as VS Code does); the
        //    engine takes 100 ms an answer, so any request that reaches it while typing goes on is cancelled.
        setDelay(TimeSpan.FromMilliseconds(20));
        await TypeAsync(client, ++version, position, "\n        ").ConfigureAwait(false);
        position = new Position(position.Line + 1, 8);
        var requestsBefore = http.Requests.Count;
        var closedBefore = http.ClosedByClient;
        var pending = new List<Task>();
        CancellationTokenSource? previous = null;
        foreach (var ch in BurstLine.Take(60))
        {
            if (previous is not null) await previous.CancelAsync().ConfigureAwait(false);
            await TypeAsync(client, ++version, position, ch.ToString()).ConfigureAwait(false);
            position = position with { Character = position.Character + 1 };
            previous = new CancellationTokenSource();
            pending.Add(CompleteAsync(client, position, InlineCompletionTriggerKind.Automatic, previous.Token));
            await Task.Delay(30, ct).ConfigureAwait(false);
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        await http.WaitUntilAsync(d => d.InFlight == 0, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        figures["burst: keystrokes / requests reaching the engine"] = $"60 / {http.Requests.Count - requestsBefore}";
        figures["burst: connections closed before the answer ended"] = (http.ClosedByClient - closedBefore).ToString(Inv);

        // 3. Typing over an answer in flight: each request is cancelled 40 ms in, while the engine streams.
        var closed = http.ClosedByClient;
        for (var i = 0; i < 5; i++)
        {
            using var typing = new CancellationTokenSource(TimeSpan.FromMilliseconds(40));
            await CompleteAsync(client, position, InlineCompletionTriggerKind.Invoked, typing.Token).ConfigureAwait(false);
        }
        await http.WaitUntilAsync(d => d.InFlight == 0, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        figures["typed over 5 answers in flight: connections closed"] = (http.ClosedByClient - closed).ToString(Inv);
        figures["TCP connections opened in all"] = http.Connections.ToString(Inv);

        await client.InvokeWithParameterObjectAsync<object?>(Methods.Shutdown, null, ct).ConfigureAwait(false);
        await client.NotifyWithParameterObjectAsync(Methods.Exit).ConfigureAwait(false);
        await serving.ConfigureAwait(false);
        foreach (var (key, value) in figures) output.WriteLine($"  {key}: {value}");
        return figures;
    }

    private static (HttpDouble Http, string? Model, Action<TimeSpan> SetDelay, IAsyncDisposable Dispose) StartDouble(string kind)
    {
        const string answer = "Save(item);\n        log(\"saved\");\n";
        switch (kind)
        {
            case EngineKinds.LlamaCpp:
                var llama = new LlamaServerDouble();
                llama.Model.Answer = answer;
                return (llama.Http, null, d => llama.PieceDelay = d, llama);
            case EngineKinds.Ollama:
                var ollama = new OllamaDouble();
                ollama.Model.Answer = answer;
                return (ollama.Http, "qwen2.5-coder:7b-base", d => ollama.PieceDelay = d, ollama);
            default:
                var vllm = new VllmDouble();
                vllm.Model.Answer = answer;
                return (vllm.Http, null, d => vllm.PieceDelay = d, vllm);
        }
    }

    private static Task TypeAsync(JsonRpc client, int version, Position at, string text) =>
        client.NotifyWithParameterObjectAsync(Methods.TextDocumentDidChange, new DidChangeTextDocumentParams
        {
            TextDocument = new VersionedTextDocumentIdentifier { Uri = new Uri(DocumentUri), Version = version },
            ContentChanges = [new TextDocumentContentChangeEvent { Range = new Protocol.Range(at, at), Text = text }],
        });

    private static async Task CompleteAsync(JsonRpc client, Position at, InlineCompletionTriggerKind kind, CancellationToken ct)
    {
        try
        {
            await client.InvokeWithParameterObjectAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new InlineCompletionParams
            {
                TextDocument = new TextDocumentIdentifier { Uri = new Uri(DocumentUri) },
                Position = at,
                Context = new InlineCompletionContext { TriggerKind = kind },
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or RemoteInvocationException)
        {
        }
    }

    private static Position PositionOf(string text, int offset)
    {
        var line = text[..offset].Count(c => c == '\n');
        var column = offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        return new Position(line, column);
    }

    private static double P(IReadOnlyList<double> values, int percentile) => values.Count == 0 ? double.NaN : ContextBenchmarkReport.Percentile(values, percentile);

    private static string F(double value, int decimals = 1) => double.IsNaN(value) ? "-" : value.ToString("F" + decimals, Inv);
}
