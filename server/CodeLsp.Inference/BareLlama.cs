using LLama;
using LLama.Common;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// For benchmarks: weights and one context loaded through plain LLamaSharp, with nothing of ours around them
/// (<see cref="RawDecodeBaseline"/>, <see cref="DecodeBatchProbe"/>).
/// </summary>
internal sealed class BareLlama : IDisposable
{
    private BareLlama(LLamaWeights weights, LLamaContext context, int batchSize)
    {
        Weights = weights;
        Context = context;
        BatchSize = batchSize;
    }

    public LLamaWeights Weights { get; }

    public LLamaContext Context { get; }

    public int BatchSize { get; }

    /// <param name="configure">The caller's settings beyond size, batch and threads (load mode, flash attention).</param>
    public static BareLlama Load(string path, int threads, int contextSize, int batchSize, Action<ModelParams> configure)
    {
        var parameters = new ModelParams(path)
        {
            ContextSize = (uint)contextSize,
            BatchSize = (uint)batchSize,
            Threads = threads,
            BatchThreads = threads,
        };
        configure(parameters);
        var weights = LLamaWeights.LoadFromFile(parameters);
        return new BareLlama(weights, weights.CreateContext(parameters), batchSize);
    }

    /// <summary>Decodes <paramref name="batch"/>; a failure is an exception, not a status to forget.</summary>
    public void Decode(LLamaBatch batch)
    {
        var result = Context.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
    }

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
    }
}
