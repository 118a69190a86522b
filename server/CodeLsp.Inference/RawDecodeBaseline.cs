using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// The yardstick for benchmarks: plain LLamaSharp with nothing of ours around it — a fresh cache, the prompt
/// decoded in batches, then greedy tokens one at a time. Comparing a server round trip with this run on the same
/// tokens shows what the server adds.
/// </summary>
internal sealed class RawDecodeBaseline : IDisposable
{
    private readonly BareLlama _llama;

    private RawDecodeBaseline(BareLlama llama) => _llama = llama;

    public static RawDecodeBaseline Load(string path, int threads, int contextSize, int batchSize = 512) =>
        new(BareLlama.Load(path, threads, contextSize, batchSize, parameters => parameters.LoadMode = LLamaLoadMode.MemoryMap));

    /// <summary>Time of the last <see cref="Run"/> spent decoding the prompt (the rest is generation).</summary>
    public TimeSpan LastPromptTime { get; private set; }

    /// <summary>Decodes <paramref name="prompt"/> from an empty cache and generates <paramref name="generate"/> greedy tokens; returns the time.</summary>
    public TimeSpan Run(IReadOnlyList<int> prompt, int generate)
    {
        var clock = Stopwatch.StartNew();
        _llama.Context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        for (var first = 0; first < prompt.Count; first += _llama.BatchSize)
        {
            batch.Clear();
            var count = Math.Min(_llama.BatchSize, prompt.Count - first);
            for (var i = 0; i < count; i++)
            {
                batch.Add((LLamaToken)prompt[first + i], first + i, LLamaSeqId.Zero, first + i == prompt.Count - 1);
            }
            _llama.Decode(batch);
        }
        LastPromptTime = clock.Elapsed;
        var logitsIndex = batch.TokenCount - 1;
        for (var n = 0; n < generate; n++)
        {
            var logits = _llama.Context.NativeHandle.GetLogitsIth(logitsIndex);
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best]) best = i;
            }
            // Like the server: the last token is sampled but not decoded (nothing would read its logits).
            if (n == generate - 1) break;
            batch.Clear();
            batch.Add((LLamaToken)best, prompt.Count + n, LLamaSeqId.Zero, true);
            _llama.Decode(batch);
            logitsIndex = 0;
        }
        return clock.Elapsed;
    }

    public void Dispose() => _llama.Dispose();
}
