namespace CodeLsp.Inference;

/// <summary>
/// Fill-in-the-middle token texts of known code-model families, used when a model's vocabulary metadata does not
/// name its FIM tokens. A family is chosen by <c>general.name</c> or <c>general.architecture</c>; its texts are
/// then resolved against the model's own vocabulary, so a wrong guess finds no tokens rather than wrong ones.
/// </summary>
internal static class FimFamilies
{
    public static readonly IReadOnlyList<FimFamily> All =
    [
        new("Qwen2.5-Coder", ["qwen"], ["qwen2", "qwen3"],
            "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", ["<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|im_end|>"]),
        new("CodeGemma", ["codegemma"], [],
            "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", ["<|file_separator|>", "<end_of_turn>", "<eos>"]),
        new("DeepSeek-Coder", ["deepseek"], ["deepseek", "deepseek2"],
            "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", ["<|EOT|>", "<｜end▁of▁sentence｜>"]),
        new("StarCoder2", ["starcoder", "granite", "santacoder"], ["starcoder", "starcoder2"],
            "<fim_prefix>", "<fim_suffix>", "<fim_middle>", ["<|endoftext|>", "<fim_pad>", "<file_sep>"]),
        new("CodeLlama", ["codellama", "code llama", "code-llama"], [],
            "▁<PRE>", "▁<SUF>", "▁<MID>", ["▁<EOT>"]),
        new("Codestral", ["codestral"], [],
            "[PREFIX]", "[SUFFIX]", "[MIDDLE]", ["</s>"]),
    ];

    /// <summary>Families whose name hint occurs in <paramref name="name"/> or whose architectures include <paramref name="architecture"/>.</summary>
    public static IEnumerable<FimFamily> Matching(string? name, string? architecture) =>
        All.Where(f =>
            (name is not null && f.NameHints.Any(h => name.Contains(h, StringComparison.OrdinalIgnoreCase)))
            || (architecture is not null && f.Architectures.Contains(architecture, StringComparer.OrdinalIgnoreCase)));
}

internal sealed record FimFamily(
    string Name,
    string[] NameHints,
    string[] Architectures,
    string Prefix,
    string Suffix,
    string Middle,
    string[] StopTexts);
