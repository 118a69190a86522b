using System.Globalization;
using CodeLsp.Inference;

namespace CodeLsp.Server.Benchmarks.Load;

/// <summary><c>codelsp bench load</c>: one <see cref="LoadRun"/> with a tiny generated model (or the one given).</summary>
internal sealed class LoadBenchmark(TextWriter output)
{
    public async Task<int> RunAsync(string? model, int cycles, int documents, int seed, CancellationToken ct)
    {
        string? temp = null;
        if (model is null)
        {
            temp = Directory.CreateTempSubdirectory("codelsp-bench-load-").FullName;
            model = Path.Combine(temp, "tiny.gguf");
            TinyModel.Write(model, new TinyModelOptions { ContextLength = 4096 });
        }
        try
        {
            var report = await LoadRun.RunAsync(model, cycles, documents, seed, ct).ConfigureAwait(false);
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(inv, $"seed {seed}: {report.Cycles} didChange + inlineCompletion cycles over {report.Documents} documents, {report.CancelsSent} $/cancelRequest, sent in {report.Elapsed.TotalSeconds:F1} s (until the last answer)"));
            output.WriteLine($"requests: {report.Requests}; answered with a result: {report.Results} ({report.WithSuggestion} with a suggestion); cancelled: {report.Cancelled}; unanswered or failed: {report.Requests - report.Results - report.Cancelled}");
            output.WriteLine(string.Create(inv, $"resident memory (server + client in one process): before {report.RssBeforeMiB:F0} MiB, after {report.RssAfterMiB:F0} MiB, peak {report.PeakRssMiB:F0} MiB"));
            output.WriteLine(report.Problems.Count == 0 ? "final texts equal the replay for every document; problems: none" : "problems:\n  " + string.Join("\n  ", report.Problems));
            return report.Problems.Count == 0 ? 0 : 1;
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }
}
