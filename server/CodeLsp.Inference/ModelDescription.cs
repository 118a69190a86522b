namespace CodeLsp.Inference;

/// <summary>What a loaded model is and how it was loaded.</summary>
public sealed record ModelDescription
{
    public required string Path { get; init; }

    /// <summary><c>general.name</c>, or the file name when the model has none.</summary>
    public required string Name { get; init; }

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c> or <c>qwen2</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>The context window in use (requested size clamped to <see cref="TrainingContextSize"/> and to the free memory).</summary>
    public required int ContextSize { get; init; }

    /// <summary>Why <see cref="ContextSize"/> is less than the contextSize asked for (not enough free memory), for the user; null when it is not.</summary>
    public string? ContextNotice { get; init; }

    public required int TrainingContextSize { get; init; }

    public required int VocabularySize { get; init; }

    public required long ParameterCount { get; init; }

    /// <summary>Fill-in-the-middle token ids; null when the model has none.</summary>
    public required FimTokens? FimTokens { get; init; }

    public bool SupportsFim => FimTokens is not null;

    /// <summary>The chat template llama.cpp applies (its first line); null for a base model without one.</summary>
    public string? ChatTemplate { get; init; }

    public bool SupportsChat => ChatTemplate is not null;

    public required long FileSizeBytes { get; init; }

    /// <summary>Time to map the weights and create the context.</summary>
    public required TimeSpan LoadTime { get; init; }
}

/// <summary>
/// Fill-in-the-middle token ids of one model. <see cref="StopTokens"/> holds every id that ends a completion
/// besides what llama.cpp already reports as end-of-generation.
/// </summary>
public sealed record FimTokens(int Prefix, int Suffix, int Middle, IReadOnlyList<int> StopTokens, string Source)
{
    /// <summary>Source text for "found in the model's vocabulary metadata".</summary>
    public const string FromVocabulary = "model vocabulary";
}
