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
    /// <summary>Tokens of Roslyn context (signatures, members, locals) put before the prefix; 0 turns it off.</summary>
    public int ContextTokens { get; init; } = 512;
    /// <summary>Drop suggestions that the compiler says introduce errors (unknown members, wrong arguments …).</summary>
    public bool CompileCheck { get; init; } = true;
    /// <summary>Suggest while typing; when false only explicit requests are answered.</summary>
    public bool Automatic { get; init; } = true;
    /// <summary>Most time one model call of an AI action (code action) may take.</summary>
    public int ActionTimeLimitMs { get; init; } = 180_000;
}
