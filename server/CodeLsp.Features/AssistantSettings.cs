namespace CodeLsp.Features;

/// <summary>
/// What the user configured (initializationOptions, codelsp.* settings, environment), already merged.
/// Null means "not set": the assistant picks the default.
/// </summary>
public sealed record AssistantSettings
{
    public string? ModelPath { get; init; }
    public bool Enabled { get; init; } = true;
    public int MaxTokens { get; init; } = 64;
    public int ContextSize { get; init; } = 4096;
    /// <summary>Threads for generation and prompt processing; null → physical-ish core count.</summary>
    public int? Threads { get; init; }
    public int TimeLimitMs { get; init; } = 3000;
}
