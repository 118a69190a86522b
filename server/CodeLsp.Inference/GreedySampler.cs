using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>Greedy decoding's one rule, shared by the completion and chat loops: the token with the highest logit (the first on a tie).</summary>
internal static class GreedySampler
{
    public static LLamaToken Pick(Span<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}
