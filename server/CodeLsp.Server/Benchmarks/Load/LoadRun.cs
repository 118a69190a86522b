using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Server.Benchmarks.Wire;
using CodeLsp.Server.Hosting;
using Nerdbank.Streams;

namespace CodeLsp.Server.Benchmarks.Load;

/// <summary>What a load run saw; <see cref="Problems"/> empty means every promise held.</summary>
internal sealed record LoadReport(
    int Cycles,
    int Documents,
    int Requests,
    int Results,
    int WithSuggestion,
    int Cancelled,
    int CancelsSent,
    TimeSpan Elapsed,
    double RssBeforeMiB,
    double RssAfterMiB,
    double PeakRssMiB,
    IReadOnlyList<string> Problems);

/// <summary>
/// Rapid editing against the server with the real assistant and a model: each cycle sends a didChange with one to three
/// incremental edits to one of the documents, an inlineCompletion at a random place in it, and (every other cycle) a
/// $/cancelRequest for that request, all without waiting for answers. Then it checks that every request was answered
/// (a result, or RequestCancelled) within a deadline, and that the text the server holds for each document equals an
/// independent replay of the same edits on plain strings. Memory is the process's resident set (server and this client).
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadReport> RunAsync(string model, int cycles, int documents, int seed, CancellationToken ct)
    {
        var problems = new List<string>();
        var random = new Random(seed);
        var logger = Cli.CliLogging.Create();
        var recording = new RecordingAssistant(new Assistant(logger));
        await using var disposeAssistant = recording;
        var (serverStream, clientStream) = FullDuplexStream.CreatePair();
        var host = new LanguageServerHost(serverStream, serverStream, recording, logger, new LanguageServerOptions { GetEnvironmentVariable = _ => null });
        var serving = host.RunAsync(ct);
        await using var client = new LspWireClient(clientStream, clientStream);

        await client.RequestAsync(Protocol.Methods.Initialize, new
        {
            processId = Environment.ProcessId,
            capabilities = new { window = new { workDoneProgress = true } },
            initializationOptions = new { modelPath = model, timeLimitMs = 2000 },
        }).ConfigureAwait(false);
        await client.NotifyAsync(Protocol.Methods.Initialized, new { }).ConfigureAwait(false);
        await client.WaitForNotificationAsync(
            m => m.GetProperty("method").GetString() is Protocol.Methods.WindowLogMessage or Protocol.Methods.WindowShowMessage
                 && m.GetProperty("params").GetProperty("message").GetString()!.Contains("model", StringComparison.Ordinal),
            TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        if (recording.Status is not ModelStatus.Ready) problems.Add($"the model did not load: {recording.Status}");

        var texts = new List<StringBuilder>();
        var uris = new List<string>();
        var versions = new int[documents];
        for (var d = 0; d < documents; d++)
        {
            var uri = $"file:///load/Doc{d}.cs";
            var text = $"namespace Load;\n\npublic sealed class Doc{d}\n{{\n    public int Value(int x)\n    {{\n        var y = x * {d};\n        return y;\n    }}\n}}\n";
            uris.Add(uri);
            texts.Add(new StringBuilder(text));
            versions[d] = 1;
            await client.NotifyAsync(Protocol.Methods.TextDocumentDidOpen, new { textDocument = new { uri, languageId = "csharp", version = 1, text } }).ConfigureAwait(false);
        }

        var rssBefore = Rss().Current;
        var peak = rssBefore;
        var requests = new List<Task<JsonElement>>();
        var cancels = 0;
        var clock = Stopwatch.StartNew();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            ct.ThrowIfCancellationRequested();
            var d = random.Next(documents);
            var changes = new List<object>();
            for (var e = random.Next(1, 4); e > 0; e--) changes.Add(RandomEdit(random, texts[d]));
            await client.NotifyAsync(Protocol.Methods.TextDocumentDidChange, new { textDocument = new { uri = uris[d], version = ++versions[d] }, contentChanges = changes }).ConfigureAwait(false);

            var (line, character) = RandomPosition(random, texts[d].ToString());
            var id = client.NextId();
            var idJson = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var trigger = random.Next(4) == 0 ? 1 : 2;
            requests.Add(client.RequestWithIdAsync(idJson, i => LspWireClient.Message(Protocol.Methods.TextDocumentInlineCompletion, new
            {
                textDocument = new { uri = uris[d] },
                position = new { line, character },
                context = new { triggerKind = trigger },
            }, i)));
            if (cycle % 2 == 1)
            {
                if (random.Next(2) == 0) await Task.Delay(random.Next(0, 3), ct).ConfigureAwait(false);
                await client.NotifyAsync("$/cancelRequest", new { id }).ConfigureAwait(false);
                cancels++;
            }
            if (cycle % 50 == 0) peak = Math.Max(peak, Rss().Current);
        }

        try
        {
            await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            problems.Add($"{requests.Count(r => !r.IsCompleted)} request(s) got no answer within 120 s: a deadlock or a lost request");
        }
        var elapsed = clock.Elapsed;

        int results = 0, withSuggestion = 0, cancelled = 0;
        foreach (var request in requests.Where(r => r.IsCompletedSuccessfully))
        {
            var answer = request.Result;
            if (answer.TryGetProperty("result", out var result))
            {
                results++;
                if (result.ValueKind == JsonValueKind.Object && result.GetProperty("items").GetArrayLength() > 0) withSuggestion++;
            }
            else if (answer.GetProperty("error").GetProperty("code").GetInt32() == Protocol.LspErrorCodes.RequestCancelled)
            {
                cancelled++;
            }
            else if (problems.Count < 20)
            {
                problems.Add($"request answered with an error: {answer.GetProperty("error")}");
            }
        }

        // A final explicit request per document: the server still answers after the storm.
        for (var d = 0; d < documents; d++)
        {
            var (line, character) = RandomPosition(random, texts[d].ToString());
            var answer = await client.RequestAsync(Protocol.Methods.TextDocumentInlineCompletion, new
            {
                textDocument = new { uri = uris[d] },
                position = new { line, character },
                context = new { triggerKind = 1 },
            }).WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            if (!answer.TryGetProperty("result", out _)) problems.Add($"the final request for {uris[d]} failed: {answer}");
            var expected = texts[d].ToString();
            if (!recording.LastText.TryGetValue(new Uri(uris[d]), out var actual) || actual != expected)
            {
                problems.Add($"{uris[d]}: the server's text differs from the replay ({actual?.Length ?? -1} vs {expected.Length} chars, first difference at {FirstDifference(actual ?? "", expected)})");
            }
        }

        var (peakRss, rssAfter) = Rss();
        await client.RequestAsync(Protocol.Methods.Shutdown, null).ConfigureAwait(false);
        await client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
        await serving.WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return new LoadReport(cycles, documents, requests.Count, results, withSuggestion, cancelled, cancels, elapsed, rssBefore, rssAfter, Math.Max(peak, peakRss), problems);
    }

    /// <summary>An insertion, deletion or replacement at a random place, applied to <paramref name="text"/> here and returned as an LSP change.</summary>
    private static object RandomEdit(Random random, StringBuilder text)
    {
        var current = text.ToString();
        var start = random.Next(current.Length + 1);
        // Never split a surrogate pair or a CRLF: a client could not produce such a position.
        if (start > 0 && start < current.Length && char.IsLowSurrogate(current[start])) start--;
        var length = random.Next(3) == 0 ? Math.Min(random.Next(0, 6), current.Length - start) : 0;
        if (start + length < current.Length && length > 0 && char.IsLowSurrogate(current[start + length])) length++;
        var inserted = random.Next(8) switch
        {
            0 => "\n        ",
            1 => "😀",
            2 => "",
            3 => "x.",
            _ => ((char)random.Next('a', 'z' + 1)).ToString(),
        };
        if (length == 0 && inserted.Length == 0) inserted = ";";
        var from = Position(current, start);
        var to = Position(current, start + length);
        text.Remove(start, length).Insert(start, inserted);
        return new { range = new { start = new { line = from.Line, character = from.Character }, end = new { line = to.Line, character = to.Character } }, text = inserted };
    }

    private static (int Line, int Character) RandomPosition(Random random, string text)
    {
        var offset = random.Next(text.Length + 1);
        if (offset > 0 && offset < text.Length && char.IsLowSurrogate(text[offset])) offset--;
        return Position(text, offset);
    }

    /// <summary>Line and UTF-16 column of an offset; the replay's texts break lines with \n only.</summary>
    private static (int Line, int Character) Position(string text, int offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart);
    }

    private static int FirstDifference(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }

    private static (double Peak, double Current) Rss()
    {
        double peak = 0, current = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kib(line) / 1024.0;
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) current = Kib(line) / 1024.0;
        }
        return (peak, current);

        static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
