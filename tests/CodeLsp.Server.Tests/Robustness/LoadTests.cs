using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks.Load;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>
/// A small seeded load run (<c>codelsp bench load</c> runs 2,000 cycles): rapid didChange + inlineCompletion +
/// $/cancelRequest over five documents with the real assistant and a tiny model. Every request is answered or cancelled,
/// and the server's text of each document equals an independent replay of the edits.
/// </summary>
public sealed class LoadTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("codelsp-load-").FullName;

    [Fact]
    public async Task Rapid_edits_completions_and_cancels_lose_nothing()
    {
        var model = Path.Combine(_temp, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions { ContextLength = 4096 });

        var report = await LoadRun.RunAsync(model, cycles: 200, documents: 5, seed: 7, CancellationToken.None);

        Assert.True(report.Problems.Count == 0, string.Join("; ", report.Problems));
        Assert.Equal(200, report.Requests);
        Assert.Equal(report.Requests, report.Results + report.Cancelled);
        Assert.True(report.Cancelled > 0, "no request was cancelled, so cancellation was not exercised");
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
