using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks.Wire;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Benchmarks.OddFiles;

/// <summary>
/// <c>codelsp bench odd-files</c>: the real executable with a model gets each <see cref="OddFileCase"/> opened and a
/// completion asked in it, while a small probe document asks for completions at the same time. Prints per case: how long
/// the odd request took and what it answered, the probe's latency during it (against its latency alone), and the log
/// lines the server wrote about the case.
/// </summary>
internal sealed class OddFilesBenchmark(TextWriter output)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string ProbeUri = "file:///odd/Probe.cs";

    public async Task<int> RunAsync(string? model, int probes, string? only, string logLevel, string? stateFolder, CancellationToken ct, string? server = null)
    {
        string? temp = null;
        if (model is null)
        {
            temp = Directory.CreateTempSubdirectory("codelsp-bench-odd-").FullName;
            model = Path.Combine(temp, "tiny.gguf");
            TinyModel.Write(model, new TinyModelOptions { ContextLength = 4096 });
        }
        try
        {
            var report = await MeasureAsync(model, probes, ct, logLevel, stateFolder, only, server).ConfigureAwait(false);
            output.WriteLine(string.Create(Inv, $"probe completion alone: median {report.ProbeAloneMs:F1} ms"));
            foreach (var row in report.Rows)
            {
                output.WriteLine(string.Create(Inv, $"{row.Name,-40} open+complete {row.OddMs,8:F0} ms  answer: {row.Answer,-18} probe meanwhile: median {row.ProbeMedianMs,6:F1} ms, max {row.ProbeMaxMs,6:F1} ms; asked again alone: {row.AloneMs,6:F0} ms, {row.AloneAnswer}"));
                foreach (var line in row.LogLines) output.WriteLine($"    log: {line}");
            }
            output.WriteLine(report.Problems.Count == 0 ? "problems: none" : "problems:\n  " + string.Join("\n  ", report.Problems));
            return report.Problems.Count == 0 ? 0 : 1;
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }

    internal sealed record Row(string Name, double OddMs, string Answer, double ProbeMedianMs, double ProbeMaxMs, IReadOnlyList<string> LogLines, double AloneMs, string AloneAnswer);

    internal sealed record Report(double ProbeAloneMs, IReadOnlyList<Row> Rows, IReadOnlyList<string> Problems);

    public static async Task<Report> MeasureAsync(string model, int probes, CancellationToken ct, string logLevel = "information", string? keepLog = null, string? only = null, string? server = null)
    {
        var problems = new List<string>();
        await using var child = ServerChild.Start(server, stateFolder: keepLog, logLevel: logLevel);
        await child.InitializeAsync(null, new { modelPath = model }).ConfigureAwait(false);
        await child.WaitForModelAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidOpen, new { textDocument = new { uri = ProbeUri, languageId = "csharp", version = 1, text = "class P\n{\n    int M() => \n}\n" } }).ConfigureAwait(false);

        var alone = new List<double>();
        for (var i = 0; i < probes; i++) alone.Add((await TimedAsync(Complete(child, ProbeUri, 2, 15)).ConfigureAwait(false)).Ms);

        var rows = new List<Row>();
        foreach (var @case in OddFileCase.Cases(seed: 1).Where(c => only is null || c.Name.Contains(only, StringComparison.Ordinal)))
        {
            var logBefore = ReadShared(child.LogFile).Length;
            var clock = Stopwatch.StartNew();
            await child.Client.SendRawAsync(@case.DidOpenFrame).ConfigureAwait(false);
            var odd = Complete(child, @case.Uri, @case.Line, @case.Character);
            var during = new List<double>();
            while (!odd.IsCompleted && during.Count < 200)
            {
                during.Add((await TimedAsync(Complete(child, ProbeUri, 2, 15)).ConfigureAwait(false)).Ms);
            }
            string answer;
            try
            {
                answer = Describe(await odd.WaitAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false));
            }
            catch (TimeoutException)
            {
                answer = "NO ANSWER";
                problems.Add($"{@case.Name}: no answer within 120 s");
            }
            var oddMs = clock.Elapsed.TotalMilliseconds;
            if (during.Count == 0) during.Add((await TimedAsync(Complete(child, ProbeUri, 2, 15)).ConfigureAwait(false)).Ms);
            // Asked again with nothing else running (the probes' prompts have replaced its cached one): is the document handled?
            var (aloneAnswer, aloneMs) = await TimedAsync(Complete(child, @case.Uri, @case.Line, @case.Character)).ConfigureAwait(false);
            await Task.Delay(300, ct).ConfigureAwait(false);
            var log = ReadShared(child.LogFile)[logBefore..].Split('\n')
                .Where(l => l.Contains("[WRN]", StringComparison.Ordinal) || l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains(Path.GetFileName(@case.Uri), StringComparison.Ordinal))
                .Select(l => l.Length > 220 ? l[..220] + "…" : l).Take(4).ToList();
            rows.Add(new Row(@case.Name, oddMs, answer, ContextBenchmarkReport.Percentile(during, 50), during.Max(), log, aloneMs, Describe(aloneAnswer)));
            await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidClose, new { textDocument = new { uri = @case.Uri } }).ConfigureAwait(false);
        }
        if (child.Process.HasExited) problems.Add($"the server ended (exit code {child.Process.ExitCode})");
        await child.Client.RequestAsync(Protocol.Methods.Shutdown, null).ConfigureAwait(false);
        await child.Client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
        return new Report(ContextBenchmarkReport.Percentile(alone, 50), rows, problems);
    }

    private static string Describe(JsonElement result) =>
        result.TryGetProperty("error", out var error) ? $"error {error.GetProperty("code").GetInt32()}"
        : result.GetProperty("result") is { ValueKind: JsonValueKind.Object } list ? $"{list.GetProperty("items").GetArrayLength()} suggestion(s)" : "null";

    private static Task<JsonElement> Complete(ServerChild child, string uri, int line, int character) =>
        child.Client.RequestAsync(Protocol.Methods.TextDocumentInlineCompletion, new
        {
            textDocument = new { uri },
            position = new { line, character },
            context = new { triggerKind = 1 },
        });

    private static async Task<(JsonElement Answer, double Ms)> TimedAsync(Task<JsonElement> request)
    {
        var clock = Stopwatch.StartNew();
        var answer = await request.WaitAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        return (answer, clock.Elapsed.TotalMilliseconds);
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
