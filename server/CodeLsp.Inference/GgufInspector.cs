using CodeLsp.Inference.Gguf;

namespace CodeLsp.Inference;

/// <summary>What a GGUF file says about itself, read without llama.cpp.</summary>
public sealed record GgufModelInfo
{
    public required string Path { get; init; }
    public required long FileSizeBytes { get; init; }
    public required int GgufVersion { get; init; }
    public required string Architecture { get; init; }

    /// <summary><c>general.name</c>, or null when the file has none.</summary>
    public required string? Name { get; init; }

    /// <summary>Sum of all tensors' element counts.</summary>
    public required long ParameterCount { get; init; }
    public required int TensorCount { get; init; }
    public required int? ContextLength { get; init; }
    public required int? EmbeddingLength { get; init; }
    public required int? BlockCount { get; init; }
    public required int VocabularySize { get; init; }

    /// <summary><c>general.file_type</c> (llama_ftype number) and its name, e.g. 15 / "Q4_K_M".</summary>
    public required int? FileType { get; init; }
    public required string? FileTypeName { get; init; }

    /// <summary>The FIM tokens the file has, or null when it has none.</summary>
    public required GgufFimInfo? Fim { get; init; }
    public bool SupportsFim => Fim is not null;

    public required bool HasChatTemplate { get; init; }

    /// <summary>All metadata; array values are typed arrays (string[], int[], …).</summary>
    public required IReadOnlyDictionary<string, object> Metadata { get; init; }
}

/// <summary>FIM token texts and where they were found ("metadata" or "token text, &lt;family&gt; family").</summary>
public sealed record GgufFimInfo(string Prefix, string Suffix, string Middle, string Source);

/// <summary>
/// Reads a GGUF file's header and judges whether llama.cpp can load it, so users get a specific reason
/// ("truncated", "not a GGUF file", "unsupported architecture") instead of llama.cpp's generic failure.
/// </summary>
public static class GgufInspector
{
    /// <summary>Reads and validates <paramref name="path"/>; throws <see cref="ModelLoadException"/> with a clear reason.</summary>
    public static GgufModelInfo Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = GgufFile.Read(path);

        var arch = file.GetString("general.architecture");
        if (string.IsNullOrEmpty(arch))
        {
            throw GgufFile.Damaged(path, "it has no general.architecture entry");
        }

        if (file.GetString("general.type") == "adapter")
        {
            throw new ModelLoadException(path,
                $"'{path}' is a LoRA adapter, not a model. Point the model setting at the base model's .gguf file (a code model such as Qwen2.5-Coder).");
        }

        if (arch == "clip")
        {
            throw new ModelLoadException(path,
                $"'{path}' is a vision projector (mmproj) file, not a language model. Point the model setting at the model's main .gguf file.");
        }

        if (!SupportedArchitectures.Contains(arch))
        {
            throw new ModelLoadException(path,
                $"'{path}' is a '{arch}' model, an architecture the bundled llama.cpp does not support. " +
                "Use a code model of a supported architecture, e.g. Qwen2.5-Coder (qwen2), StarCoder2 (starcoder2) or DeepSeek-Coder (llama).");
        }

        var tokens = file.Metadata.TryGetValue("tokenizer.ggml.tokens", out var t) ? t as string[] : null;
        var fileType = (int?)file.GetInteger("general.file_type");

        return new GgufModelInfo
        {
            Path = path,
            FileSizeBytes = file.FileSize,
            GgufVersion = (int)file.Version,
            Architecture = arch,
            Name = file.GetString("general.name"),
            ParameterCount = file.Tensors.Sum(x => x.ElementCount),
            TensorCount = file.Tensors.Count,
            ContextLength = (int?)file.GetInteger($"{arch}.context_length"),
            EmbeddingLength = (int?)file.GetInteger($"{arch}.embedding_length"),
            BlockCount = (int?)file.GetInteger($"{arch}.block_count"),
            VocabularySize = tokens?.Length ?? (int)(file.GetInteger($"{arch}.vocab_size") ?? 0),
            FileType = fileType,
            FileTypeName = fileType is { } ft ? FileTypeName(ft) : null,
            Fim = FindFim(file, tokens, arch),
            HasChatTemplate = file.GetString("tokenizer.chat_template") is { Length: > 0 },
            Metadata = file.Metadata,
        };
    }

    private static GgufFimInfo? FindFim(GgufFile file, string[]? tokens, string arch)
    {
        if (tokens is null)
        {
            return null;
        }

        string? Text(string key) =>
            file.GetInteger(key) is { } id && id >= 0 && id < tokens.Length ? tokens[id] : null;

        if (Text("tokenizer.ggml.fim_pre_token_id") is { } pre
            && Text("tokenizer.ggml.fim_suf_token_id") is { } suf
            && Text("tokenizer.ggml.fim_mid_token_id") is { } mid)
        {
            return new GgufFimInfo(pre, suf, mid, "metadata");
        }

        // Like llama.cpp, recognise the tokens by their text; prefer the family the name points to.
        var present = new HashSet<string>(tokens, StringComparer.Ordinal);
        var candidates = FimFamilies.Matching(file.GetString("general.name"), arch).Concat(FimFamilies.All);
        var family = candidates.FirstOrDefault(f => present.Contains(f.Prefix) && present.Contains(f.Suffix) && present.Contains(f.Middle));
        return family is null ? null : new GgufFimInfo(family.Prefix, family.Suffix, family.Middle, $"token text, {family.Name} family");
    }

    // llama_ftype names for the common values.
    private static string FileTypeName(int fileType) => fileType switch
    {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        36 => "TQ1_0",
        37 => "TQ2_0",
        38 => "MXFP4_MOE",
        _ => $"type {fileType}",
    };
}

/// <summary>
/// <c>general.architecture</c> values the bundled llama.cpp (LLamaSharp 0.30.0) can load, from llama.cpp's
/// architecture table (read from the strings of the shipped libllama.so;
/// names that are a suffix of another, such as qwen2, are stored merged there). Checked before loading so an unknown one gets a clear message.
/// </summary>
internal static class SupportedArchitectures
{
    private static readonly HashSet<string> s_names = new(StringComparer.Ordinal)
    {
        "llama", "llama4", "deci", "falcon", "grok", "gpt2", "gptj", "gptneox", "mpt", "baichuan", "starcoder",
        "refact", "bert", "modern-bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3",
        "eurobert", "bloom", "stablelm", "qwen", "qwen2", "qwen2moe", "qwen2vl", "qwen3", "qwen3moe", "qwen3next",
        "qwen3vl", "qwen3vlmoe", "qwen35", "qwen35moe", "phi2", "phi3", "phimoe", "plamo", "plamo2", "plamo3",
        "codeshell", "orion", "internlm2", "minicpm", "minicpm3", "gemma", "gemma2", "gemma3", "gemma3n", "gemma4",
        "gemma4-assistant", "gemma-embedding", "starcoder2", "mamba", "mamba2", "jamba", "falcon-h1", "xverse",
        "command-r", "cohere2", "cohere2moe", "dbrx", "olmo", "olmo2", "olmoe", "openelm", "arctic", "deepseek",
        "deepseek2", "deepseek2-ocr", "deepseek32", "deepseek4", "chatglm", "glm4", "glm4moe", "glm-dsa", "bitnet",
        "t5", "t5encoder", "jais", "jais2", "nemotron", "nemotron_h", "nemotron_h_moe", "exaone", "exaone4",
        "exaone-moe", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7", "granite", "granitemoe", "granitehybrid",
        "chameleon", "wavtokenizer-dec", "plm", "bailingmoe", "bailingmoe2", "dots1", "arcee", "afmoe", "laguna",
        "ernie4_5", "ernie4_5-moe", "hunyuan-moe", "hunyuan-dense", "hunyuan_vl", "hy_v3", "smollm3", "gpt-oss",
        "lfm2", "lfm2moe", "dream", "smallthinker", "llada", "llada-moe", "seed_oss", "grovemoe", "apertus",
        "minimax-m2", "minimax-m3", "cogvlm", "rnd1", "pangu-embedded", "mistral3", "eagle3", "dflash", "mistral4",
        "paddleocr", "mimo2", "step35", "llama-embed", "maincoder", "kimi-linear", "talkie", "mellum", "nanbeige",
    };

    public static bool Contains(string architecture) => s_names.Contains(architecture);
}
