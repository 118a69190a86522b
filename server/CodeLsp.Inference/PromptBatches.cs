namespace CodeLsp.Inference;

/// <summary>
/// Splits the tokens a prompt still has to decode into batches of nearly equal size, instead of full batches and a
/// remainder. On the CPU backend a short batch after a long cache costs far more per token than a full one: with the
/// generated 512-dim model (head width 32, flash attention on, as llama.cpp's "auto" picks on the CPU), 52 tokens
/// decoded after 1,705 cached ones took 1,263 ms against 92 ms for 64. A prompt decoded from a reused prefix of 169
/// tokens ended in exactly such a remainder: 512+512+512+52 took 2,740 ms, 4×397 took 1,634 ms. Equal batches were
/// within 2% of full batches wherever no short remainder arose (same model, and one with Qwen2.5-Coder's attention
/// shape). Measured by <c>codelsp bench completion</c> (server against raw LLamaSharp on the same tokens).
/// </summary>
internal static class PromptBatches
{
    /// <summary>The (first index, count) batches covering [<paramref name="start"/>, <paramref name="end"/>), each at most <paramref name="batchSize"/>.</summary>
    public static IEnumerable<(int First, int Count)> Split(int start, int end, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        var length = end - start;
        if (length <= 0)
        {
            yield break;
        }

        var batches = (length + batchSize - 1) / batchSize;
        // The first (length % batches) batches take one token more, so no two differ by more than one.
        var size = length / batches;
        var larger = length % batches;
        var first = start;
        for (var i = 0; i < batches; i++)
        {
            var count = size + (i < larger ? 1 : 0);
            yield return (first, count);
            first += count;
        }
    }
}
