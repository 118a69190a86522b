namespace CodeLsp.Inference;

/// <summary>
/// What a llama.cpp context of a given size costs in memory, estimated from the GGUF's hyper-parameters before the
/// context is created, and the largest size that fits in the memory that is free. llama.cpp clears its KV cache
/// when it creates it, so every page of it is touched at once: a size that overcommit lets through still takes the
/// memory for real, and one larger than RAM makes LLamaSharp 0.30 return a context with a null handle, which
/// kills the process (SIGSEGV) on its first use. So the size is checked here, not left to the allocator.
/// </summary>
/// <remarks>
/// The costs match what llama.cpp logs for a generated llama model (<c>ContextMemoryTests</c> compares them): an
/// f16 K and V cell per layer and KV head for every token, and a compute buffer whose context-dependent part is
/// the f16 attention mask, one row of the micro-batch per cached token (flash attention, the CPU default). The
/// fixed part of the compute buffer (activations, logits) is a rough upper estimate.
/// </remarks>
public sealed record ContextMemory(int Layers, int KeyValueHeads, int KeyLength, int ValueLength, int EmbeddingLength, int FeedForwardLength, int VocabularySize, int MicroBatch)
{
    /// <summary>Smallest context worth running completions on; when even this does not fit, the load is refused.</summary>
    public const int MinimumContext = 512;

    /// <summary>llama.cpp pads the context to a multiple of this; sizes chosen here are multiples of it.</summary>
    public const int Granularity = 256;

    /// <summary>Always left free for the editor, the Roslyn workspace and the rest of the machine.</summary>
    public const long MinimumHeadroomBytes = 1L << 30;

    /// <summary>KV cache bytes per context token (f16 keys and values).</summary>
    public long KvBytesPerToken => (long)Layers * KeyValueHeads * (KeyLength + ValueLength) * 2;

    public long KvBytes(int contextSize) => KvBytesPerToken * contextSize;

    /// <summary>The compute buffer: the attention mask grows with the context; activations and logits do not.</summary>
    public long ComputeBytes(int contextSize) =>
        (long)contextSize * MicroBatch * 2 + (long)MicroBatch * 4 * (VocabularySize + 8L * EmbeddingLength + 2L * FeedForwardLength);

    public long TotalBytes(int contextSize) => KvBytes(contextSize) + ComputeBytes(contextSize);

    /// <summary>What a context may take out of <paramref name="availableBytes"/>: all but a quarter of it, and at least <see cref="MinimumHeadroomBytes"/>.</summary>
    public static long Budget(long availableBytes) => Math.Max(0, availableBytes - Math.Max(MinimumHeadroomBytes, availableBytes / 4));

    /// <summary>
    /// The context size to use for a request of <paramref name="requested"/> tokens: the request when it fits the
    /// budget, else the largest multiple of <see cref="Granularity"/> that does, or null when not even
    /// <see cref="MinimumContext"/> (or the request, if smaller) fits.
    /// </summary>
    public int? Fit(int requested, long availableBytes)
    {
        var budget = Budget(availableBytes);
        if (TotalBytes(requested) <= budget)
        {
            return requested;
        }

        var perToken = KvBytesPerToken + (long)MicroBatch * 2;
        var fixedBytes = ComputeBytes(0);
        var fits = (budget - fixedBytes) / perToken;
        var size = (int)Math.Min(requested, fits / Granularity * Granularity);
        return size >= Math.Min(requested, MinimumContext) && size > 0 ? size : null;
    }

    /// <summary>
    /// The costs of a model, read from its GGUF metadata (<c>{arch}.block_count</c>, <c>.attention.head_count(_kv)</c>,
    /// <c>.attention.key_length/value_length</c>, <c>.embedding_length</c>, <c>.feed_forward_length</c>); null when
    /// a value needed is missing, in which case no estimate is made.
    /// </summary>
    public static ContextMemory? FromModel(GgufModelInfo info, int microBatch)
    {
        ArgumentNullException.ThrowIfNull(info);
        var arch = info.Architecture;
        long? Integer(string key) => info.Metadata.TryGetValue($"{arch}.{key}", out var value) ? AsLargest(value) : null;

        if (info.BlockCount is not { } layers || info.EmbeddingLength is not { } embedding || Integer("attention.head_count") is not { } heads || heads <= 0)
        {
            return null;
        }

        var kvHeads = Integer("attention.head_count_kv") ?? heads;
        var keyLength = Integer("attention.key_length") ?? embedding / heads;
        var valueLength = Integer("attention.value_length") ?? embedding / heads;
        var feedForward = Integer("feed_forward_length") ?? 4L * embedding;
        return new ContextMemory(layers, (int)kvHeads, (int)keyLength, (int)valueLength, embedding, (int)feedForward,
            Math.Max(info.VocabularySize, 1), microBatch);
    }

    // Some models give a value per layer (an array); the largest is the safe estimate.
    private static long? AsLargest(object value) => value is Array many
        ? many.Cast<object>().Select(Gguf.GgufFile.AsInteger).Max()
        : Gguf.GgufFile.AsInteger(value);

    /// <summary>"1.5 GiB", "640 MiB".</summary>
    public static string Format(long bytes) => bytes >= 1L << 30
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB");
}

/// <summary>How much memory the machine has free now. Tests replace it with a fixed figure.</summary>
public static class AvailableMemory
{
    /// <summary>Environment variable that replaces the machine's figure (MiB): to keep the model small on a machine shared with other work, and to try the lowering safely.</summary>
    public const string OverrideVariable = "CODELSP_FREE_MEMORY_MIB";

    /// <summary>
    /// Linux: <c>MemAvailable</c> from /proc/meminfo (what can be allocated without swapping). Elsewhere: the GC's
    /// view of the machine (total minus the load at the last collection). Null when neither is known.
    /// <see cref="OverrideVariable"/> replaces both.
    /// </summary>
    public static long? Read()
    {
        if (long.TryParse(Environment.GetEnvironmentVariable(OverrideVariable), System.Globalization.CultureInfo.InvariantCulture, out var mib) && mib >= 0)
        {
            return mib << 20;
        }

        if (OperatingSystem.IsLinux() && ReadMemInfo("/proc/meminfo") is { } available)
        {
            return available;
        }

        var gc = GC.GetGCMemoryInfo();
        if (gc.TotalAvailableMemoryBytes <= 0)
        {
            return null;
        }

        return gc.MemoryLoadBytes > 0 ? Math.Max(0, gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes) : gc.TotalAvailableMemoryBytes;
    }

    /// <summary>The <c>MemAvailable</c> line of a meminfo file, in bytes.</summary>
    internal static long? ReadMemInfo(string path)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var kib) ? kib * 1024 : null;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
