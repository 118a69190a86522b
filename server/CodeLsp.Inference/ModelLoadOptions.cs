namespace CodeLsp.Inference;

/// <summary>How to load a GGUF model into a <see cref="ModelHost"/>.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Path of the .gguf file.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Requested context window in tokens; clamped to the model's training context, and lowered to what the free
    /// memory holds (<see cref="ContextMemory"/>; the user is told, see <see cref="ModelDescription.ContextNotice"/>).
    /// </summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>CPU threads for generation and prompt processing; null uses <see cref="ModelHost.DefaultThreads"/>.</summary>
    public int? Threads { get; init; }

    /// <summary>Most tokens handed to llama.cpp in one decode call.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Free memory now in bytes, null when unknown; tests give a fixed figure instead of the machine's.</summary>
    internal Func<long?> FreeMemory { get; init; } = AvailableMemory.Read;
}
