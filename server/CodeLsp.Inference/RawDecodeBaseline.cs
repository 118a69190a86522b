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
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly int _batchSize;

    private RawDecodeBaseline(LLamaWeights weights, LLamaContext context, int batchSize)
    {
        _weights = weights;
        _context = context;
        _batchSize = batchSize;
    }

    public static RawDecodeBaseline Load(string path, int threads, int contextSize, int batchSize = 512)
    {
        var parameters = new ModelParams(path)
        {
            LoadMode = LLamaLoadMode.MemoryMap,
            ContextSize = (uint)contextSize,
            BatchSize = (uint)batchSize,
            Threads = threads,
            BatchThreads = threads,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        return new RawDecodeBaseline(weights, weights.CreateContext(parameters), batchSize);
    }

    /// <summary>Time of the last <see cref="Run"/> spent decoding the prompt (the rest is generation).</summary>
    public TimeSpan LastPromptTime { get; private set; }

    /// <summary>Decodes <paramref name="prompt"/> from an empty cache and generates <paramref name="generate"/> greedy tokens; returns the time.</summary>
    public TimeSpan Run(IReadOnlyList<int> prompt, int generate)
    {
        var clock = Stopwatch.StartNew();
        _context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        for (var first = 0; first < prompt.Count; first += _batchSize)
        {
            batch.Clear();
            var count = Math.Min(_batchSize, prompt.Count - first);
            for (var i = 0; i < count; i++)
            {
                batch.Add((LLamaToken)prompt[first + i], first + i, LLamaSeqId.Zero, first + i == prompt.Count - 1);
            }
            Check(_context.Decode(batch));
        }
        LastPromptTime = clock.Elapsed;
        var logitsIndex = batch.TokenCount - 1;
        for (var n = 0; n < generate; n++)
        {
            var logits = _context.NativeHandle.GetLogitsIth(logitsIndex);
            var best = 0;
            for (var i = 1; i < logits.Length; i++)
            {
                if (logits[i] > logits[best]) best = i;
            }
            // Like the server: the last token is sampled but not decoded (nothing would read its logits).
            if (n == generate - 1) break;
            batch.Clear();
            batch.Add((LLamaToken)best, prompt.Count + n, LLamaSeqId.Zero, true);
            Check(_context.Decode(batch));
            logitsIndex = 0;
        }
        return clock.Elapsed;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
