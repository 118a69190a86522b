namespace CodeLsp.Features.Actions;

/// <summary>The verdict of one validation gate on one attempt.</summary>
public sealed record GateVerdict(string Gate, bool Passed, string Detail)
{
    public override string ToString() => $"{(Passed ? "pass" : "FAIL")} {Gate}: {Detail}";
}

/// <summary>One call to the model and what the gates said about its answer.</summary>
public sealed record ActionAttempt(string Answer, int PromptTokens, TimeSpan PromptTime, TimeSpan GenerationTime, int GeneratedTokens,
    TimeSpan ValidationTime, IReadOnlyList<GateVerdict> Gates)
{
    public bool Passed => Gates.Count > 0 && Gates.All(g => g.Passed);

    /// <summary>The failed gates' details, as one sentence (for the user and for the retry prompt).</summary>
    public string Problems => string.Join("; ", Gates.Where(g => !g.Passed).Select(g => $"{g.Gate}: {g.Detail}"));
}

/// <summary>
/// The result of running an AI action: validated edits to apply, or a refusal with its reason. On a refusal
/// <see cref="Edits"/> is empty; <see cref="RejectedText"/> holds the last attempt (the user may look at it, read-only).
/// </summary>
public sealed record AiActionOutcome
{
    public required AiActionKind Action { get; init; }

    public bool Accepted => Refusal is null;

    /// <summary>Why nothing is written, in words for the user; null when accepted.</summary>
    public string? Refusal { get; init; }

    public IReadOnlyList<FileEdit> Edits { get; init; } = [];

    /// <summary>The span (original text) the edits may touch; a concurrent edit there makes them stale.</summary>
    public Microsoft.CodeAnalysis.Text.LinePositionSpan? Scope { get; init; }

    public IReadOnlyList<ActionAttempt> Attempts { get; init; } = [];

    /// <summary>The rejected result as the user would have got it (the whole member or file), for "Show attempt".</summary>
    public string? RejectedText { get; init; }

    /// <summary>Deterministic edits that need no model (Roslyn's plain stubs), offered when the model's attempt failed.</summary>
    public IReadOnlyList<FileEdit>? Fallback { get; init; }

    /// <summary>What the fallback does, e.g. "Insert plain stubs".</summary>
    public string? FallbackTitle { get; init; }

    /// <summary>The model that answered.</summary>
    public string? ModelName { get; init; }

    public TimeSpan Total { get; init; }
}
