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
            "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", ["<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|im_end|>"])
        {
            // Continue #2616: Qwen GGUFs may not stop on <|endoftext|> unless it is a stop string (llama.cpp #9606).
            RawStops = ["<|endoftext|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<|im_start|>", "<|im_end|>"],
        },
        new("CodeGemma", ["codegemma"], [],
            "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", ["<|file_separator|>", "<end_of_turn>", "<eos>"]),
        new("DeepSeek-Coder", ["deepseek"], ["deepseek", "deepseek2"],
            "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", ["<|EOT|>", "<｜end▁of▁sentence｜>"]),
        new("StarCoder2", ["starcoder", "granite", "santacoder"], ["starcoder", "starcoder2"],
            "<fim_prefix>", "<fim_suffix>", "<fim_middle>", ["<|endoftext|>", "<fim_pad>", "<file_sep>"]),
        new("CodeLlama", ["codellama", "code llama", "code-llama"], [],
            "▁<PRE>", "▁<SUF>", "▁<MID>", ["▁<EOT>"])
        {
            RawPrefix = "<PRE> ", RawSuffix = " <SUF>", RawMiddle = " <MID>", RawStops = ["<EOT>"],
        },
        new("Codestral", ["codestral"], [],
            "[PREFIX]", "[SUFFIX]", "[MIDDLE]", ["</s>"]),
    ];

    /// <summary>The family named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static FimFamily? Named(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The family a model name suggests (e.g. "qwen2.5-coder:7b" → Qwen2.5-Coder), or null when none does.</summary>
    public static FimFamily? Guess(string? modelName) => Matching(modelName, null).FirstOrDefault();

    /// <summary>The names a user may give, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(f => f.Name));

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
    string[] StopTexts)
{
    /// <summary>
    /// The texts that spell the FIM tokens in a raw prompt sent as text to a server that parses special tokens
    /// (vLLM, llama-server /completion, Ollama raw mode). They equal the token texts except where the vocabulary
    /// spells a leading space as "▁" (CodeLlama's "▁&lt;PRE&gt;" is written "&lt;PRE&gt; ").
    /// </summary>
    public string RawPrefix { get; init; } = Prefix;
    public string RawSuffix { get; init; } = Suffix;
    public string RawMiddle { get; init; } = Middle;
    public string[] RawStops { get; init; } = StopTexts;

    /// <summary>Raw prompt text: <paramref name="before"/> (context and prefix) and <paramref name="after"/> around the hole.</summary>
    public string RawPrompt(string before, string after) => RawPrefix + before + RawSuffix + after + RawMiddle;

    /// <summary>Stop strings for a raw FIM request: the end and FIM control texts, so a server that does not know them as stops still ends there.</summary>
    public IReadOnlyList<string> RawStopList() => RawStops.Concat([RawPrefix.Trim(), RawSuffix.Trim(), RawMiddle.Trim()]).Distinct().ToList();
}
