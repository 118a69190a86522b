using System.Diagnostics;
using CodeLsp.Inference.Constraints;
using CodeLsp.Inference.Engines;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// One fill-in-the-middle completion's progress, kept outside the model so that a background completion can give
/// the completion context up to typing and pick up where it left off. <see cref="Tokens"/> is the sequence the KV
/// cache must hold before the next token can be chosen: the prompt, then every token chosen so far (the last one
/// not yet decoded). The decoder, the identifier mask and the counters change only together with it, before any
/// point where the run can pause, so a resumed run re-decodes what the cache lost and continues exactly as greedy
/// decoding would have without the pause. The times reported for a paused run (prompt, generation) include its pauses.
/// </summary>
internal sealed class FimRun(FimPrompt prompt, GenerationLimits limits, FimTokens fim)
{
    public FimPrompt Prompt { get; } = prompt;

    public GenerationLimits Limits { get; } = limits;

    public FimTokens Fim { get; } = fim;

    public bool IsBackground => Limits.Priority == WorkPriority.Background;

    /// <summary>Started when the run first gets the model and never stopped: the time limit keeps counting through pauses.</summary>
    public Stopwatch Clock { get; } = new();

    public Stopwatch GenerationClock { get; } = new();

    /// <summary>Null until the prompt is built on the run's first turn with the model.</summary>
    public List<LLamaToken>? Tokens { get; set; }

    public int PromptTokens { get; set; }

    /// <summary>Prompt tokens found in the cache on the first turn; null before it.</summary>
    public int? ReusedPromptTokens { get; set; }

    public TimeSpan TokenizeTime { get; set; }

    /// <summary>Null until the whole prompt has been decoded once.</summary>
    public TimeSpan? PromptTime { get; set; }

    public TokenTextDecoder? Decoder { get; set; }

    public IdentifierMask? Mask { get; set; }

    public int Generated { get; set; }

    /// <summary>Times the run gave the model up to an interactive completion.</summary>
    public int Pauses { get; set; }

    /// <summary>Tokens decoded as prompt batches: the prompt on the first turn, and on later turns whatever the cache lost.</summary>
    public int PromptDecoded { get; set; }

    /// <summary>Tokens decoded again after pauses because the typing had replaced them in the cache.</summary>
    public int Redecoded => Math.Max(0, PromptDecoded - (PromptTokens - (ReusedPromptTokens ?? 0)));
}
