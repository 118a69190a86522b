namespace CodeLsp.Inference.Gguf;

/// <summary>
/// Storage sizes of ggml tensor types, needed to know how many bytes a tensor occupies (and so whether the
/// file is complete). Types missing here are still accepted; only their sizes go unchecked.
/// </summary>
internal static class GgmlType
{
    public const uint F32 = 0;

    // (type id) → (bytes per block, elements per block), from ggml's block layouts.
    private static readonly Dictionary<uint, (int BlockBytes, int BlockSize, string Name)> s_types = new()
    {
        [0] = (4, 1, "F32"),
        [1] = (2, 1, "F16"),
        [2] = (18, 32, "Q4_0"),
        [3] = (20, 32, "Q4_1"),
        [6] = (22, 32, "Q5_0"),
        [7] = (24, 32, "Q5_1"),
        [8] = (34, 32, "Q8_0"),
        [9] = (36, 32, "Q8_1"),
        [10] = (84, 256, "Q2_K"),
        [11] = (110, 256, "Q3_K"),
        [12] = (144, 256, "Q4_K"),
        [13] = (176, 256, "Q5_K"),
        [14] = (210, 256, "Q6_K"),
        [15] = (292, 256, "Q8_K"),
        [16] = (66, 256, "IQ2_XXS"),
        [17] = (74, 256, "IQ2_XS"),
        [18] = (98, 256, "IQ3_XXS"),
        [19] = (50, 256, "IQ1_S"),
        [20] = (18, 32, "IQ4_NL"),
        [21] = (110, 256, "IQ3_S"),
        [22] = (82, 256, "IQ2_S"),
        [23] = (136, 256, "IQ4_XS"),
        [24] = (1, 1, "I8"),
        [25] = (2, 1, "I16"),
        [26] = (4, 1, "I32"),
        [27] = (8, 1, "I64"),
        [28] = (8, 1, "F64"),
        [29] = (56, 256, "IQ1_M"),
        [30] = (2, 1, "BF16"),
        [34] = (54, 256, "TQ1_0"),
        [35] = (66, 256, "TQ2_0"),
        [39] = (17, 32, "MXFP4"),
    };

    public static string Name(uint type) => s_types.TryGetValue(type, out var t) ? t.Name : $"type {type}";

    /// <summary>Bytes used by <paramref name="elements"/> elements of <paramref name="type"/>; null when the type is unknown.</summary>
    public static long? ByteSize(uint type, long elements)
    {
        if (!s_types.TryGetValue(type, out var t))
        {
            return null;
        }

        // Rounded up: a partial block still occupies a whole block.
        return (elements + t.BlockSize - 1) / t.BlockSize * t.BlockBytes;
    }
}
