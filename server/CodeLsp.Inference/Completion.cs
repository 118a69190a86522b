namespace CodeLsp.Inference;

/// <summary>
/// Text around the cursor. <see cref="Context"/> (e.g. C# signatures rendered as comments) is placed
/// before the prefix text and is the first thing trimmed when the prompt does not fit.
/// </summary>
public sealed record FimPrompt(string Prefix, string Suffix)
{
    public string? Context { get; init; }

    public FimLayout Layout { get; init; } = FimLayout.PrefixSuffixMiddle;

    /// <summary>
    /// The same context as separate chunks, where the caller has them (e.g. one per source file). A server that
    /// lays out repository-level FIM itself (llama-server's <c>input_extra</c>) gets these instead of <see cref="Context"/>;
    /// null means <see cref="Context"/> is sent as one chunk.
    /// </summary>
    public IReadOnlyList<FimContextChunk>? ContextChunks { get; init; }

    /// <summary>
    /// What the compiler allows as the suggestion's first identifier (after <c>receiver.</c>, <c>new </c>, where a type
    /// is expected); null: no constraint. The in-process engine enforces it while decoding; remote engines ignore it.
    /// </summary>
    public Constraints.IdentifierConstraint? FirstIdentifier { get; init; }
}

/// <summary>One piece of context for a remote FIM request: the file it comes from (may be empty) and its text.</summary>
public sealed record FimContextChunk(string FileName, string Text);

/// <summary>Order of the fill-in-the-middle parts in the prompt.</summary>
public enum FimLayout
{
    /// <summary><c>[PRE] prefix [SUF] suffix [MID]</c>.</summary>
    PrefixSuffixMiddle,

    /// <summary>
    /// <c>[SUF] suffix [PRE] prefix [MID]</c>. While the user types, the suffix is stable, so more of the
    /// prompt is found in the KV cache than with <see cref="PrefixSuffixMiddle"/>.
    /// </summary>
    SuffixPrefixMiddle,
}

/// <summary>
/// Bounds for one completion. <see cref="TimeLimit"/> counts from when the request gets the model and is checked
/// after every generated token; <see cref="Timeout.InfiniteTimeSpan"/> means no limit. <see cref="MaxTokens"/> 0 only decodes the prompt into the cache (a prefetch that
/// makes the next request with the same prompt start at once).
/// </summary>
public sealed record GenerationLimits(int MaxTokens, TimeSpan TimeLimit)
{
    /// <summary>Interactive work (a keystroke completion) is served before background work takes its next decode step.</summary>
    public Engines.WorkPriority Priority { get; init; } = Engines.WorkPriority.Interactive;

    /// <summary>
    /// Called with the text generated so far as it grows (after each token locally, each streamed chunk remotely);
    /// returning true ends generation early with <see cref="StopReason.StoppedByCaller"/> (the caller's cleaning rules saw enough).
    /// </summary>
    public Func<string, bool>? StopWhen { get; init; }
}

/// <summary>The result of one completion, with the numbers needed to judge its cost.</summary>
public sealed record FimCompletion(
    string Text,
    StopReason StopReason,
    int PromptTokens,
    int ReusedPromptTokens,
    TimeSpan PromptTime,
    int GeneratedTokens,
    TimeSpan GenerationTime)
{
    /// <summary>Part of <see cref="PromptTime"/> spent turning the prompt's text into tokens (the rest is decoding).</summary>
    public TimeSpan TokenizeTime { get; init; }

    /// <summary>What <see cref="FimPrompt.FirstIdentifier"/> did while decoding; null when the engine did not apply one.</summary>
    public Constraints.ConstraintReport? Constraint { get; init; }

    /// <summary>
    /// Times a <see cref="Engines.WorkPriority.Background"/> completion paused for typing, and the tokens it decoded
    /// again afterwards because the interactive work had replaced them in the cache (0 when it ran uninterrupted).
    /// </summary>
    public int Pauses { get; init; }

    public int RedecodedTokens { get; init; }
}

public enum StopReason
{
    /// <summary>The model produced an end-of-generation token (EOS, EOT, a FIM control token).</summary>
    EndOfGeneration,
    MaxTokens,
    TimeLimit,
    /// <summary>The context window had no room for another token.</summary>
    ContextFull,
    /// <summary><see cref="GenerationLimits.StopWhen"/> returned true.</summary>
    StoppedByCaller,
}
