using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// For benchmarks: how long plain LLamaSharp takes to decode one batch of n tokens after a cache of a given length,
/// with flash attention as llama.cpp chooses it or forced on or off. Showed that a short batch after a long cache
/// costs far more per token than a full one (<see cref="PromptBatches"/>).
/// </summary>
internal sealed class DecodeBatchProbe : IDisposable
{
    private readonly BareLlama _llama;
    private readonly LLamaBatch _batch = new();

    private DecodeBatchProbe(BareLlama llama) => _llama = llama;

    /// <param name="flashAttention">null: llama.cpp's "auto" (on, on the CPU).</param>
    public static DecodeBatchProbe Load(string path, int threads, int contextSize, bool? flashAttention, Serilog.ILogger logger, int batchSize = 512)
    {
        NativeLogBridge.EnsureConfigured(logger); // llama.cpp's own log goes to the logger, not to the table
        return new DecodeBatchProbe(BareLlama.Load(path, threads, contextSize, batchSize, parameters =>
        {
            parameters.LoadMode = LLamaLoadMode.None;
            parameters.FlashAttention = flashAttention;
        }));
    }

    /// <summary>
    /// Fills the cache with <paramref name="cached"/> tokens (not timed), then decodes one batch of
    /// <paramref name="count"/> tokens after them and returns its time. Token ids are drawn from a fixed seed.
    /// </summary>
    public TimeSpan Measure(int cached, int count)
    {
        if (count > _llama.BatchSize) throw new ArgumentOutOfRangeException(nameof(count), $"at most {_llama.BatchSize} tokens in one batch");
        var random = new Random(1);
        int Next() => random.Next(10, Math.Min(_llama.Weights.Vocab.Count, 200));
        _llama.Context.NativeHandle.MemoryClear();
        foreach (var (first, length) in PromptBatches.Split(0, cached, _llama.BatchSize))
        {
            _batch.Clear();
            for (var i = 0; i < length; i++) _batch.Add((LLamaToken)Next(), first + i, LLamaSeqId.Zero, false);
            _llama.Decode(_batch);
        }

        _batch.Clear();
        for (var i = 0; i < count; i++) _batch.Add((LLamaToken)Next(), cached + i, LLamaSeqId.Zero, i == count - 1);
        var clock = Stopwatch.StartNew();
        _llama.Decode(_batch);
        return clock.Elapsed;
    }

    public void Dispose() => _llama.Dispose();
}
