using CodeLsp.Inference.Gguf;

namespace CodeLsp.Inference;

/// <summary>
/// Writes small, deterministic llama-architecture GGUF models with random weights and a byte-level BPE vocabulary,
/// so tests, benchmarks and the doctor can run the real llama.cpp path without downloading weights.
/// </summary>
/// <remarks>
/// Embedding dimension 0 is a constant "bias channel" (1.0 for every token). Its weight in each output row decides
/// whether a token is favoured or suppressed after any prompt: control tokens get a large negative weight so the
/// random model never stops early, unless <see cref="TinyModelOptions.PreferEndOfText"/> asks for the opposite;
/// bytes that are not printable ASCII get it too, so the output is always valid text.
/// </remarks>
public static class TinyModel
{
    private const float ControlBias = 20f;

    // Merges of the byte-level BPE vocabulary; each result becomes a token. Ranks follow this order.
    private static readonly (string Left, string Right)[] s_merges =
    [
        ("Ġ", "t"), ("i", "n"), ("r", "e"), ("o", "n"), ("e", "r"), ("Ġ", "Ġ"), ("ĠĠ", "ĠĠ"), ("Ġ", "s"),
        ("in", "t"), ("Ġ", "int"), ("Ġ", "re"), ("Ġre", "t"), ("u", "r"), ("Ġret", "ur"), ("Ġretur", "n"),
        ("Ġ", "{"), ("Ġ", "}"), ("(", ")"), (";", "Ċ"), ("Ġ", "="), ("Ġ", "v"), ("Ġv", "a"), ("Ġva", "r"),
    ];

    private const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    public static void Write(string path, TinyModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dim < 32 || options.Dim % 32 != 0)
        {
            throw new ArgumentException("Dim must be a positive multiple of 32.", nameof(options));
        }

        var vocab = BuildVocabulary(options.FimStyle, options.VocabularySize);
        var dim = options.Dim;
        var headDim = options.HeadDimension;
        if (headDim < 8 || headDim % 8 != 0 || dim % headDim != 0)
        {
            throw new ArgumentException("HeadDimension must be a multiple of 8 that divides Dim.", nameof(options));
        }

        var heads = dim / headDim;
        var keyValueHeads = options.KeyValueHeads ?? heads;
        if (keyValueHeads < 1 || heads % keyValueHeads != 0)
        {
            throw new ArgumentException("KeyValueHeads must divide the query head count.", nameof(options));
        }

        var keyValueDim = keyValueHeads * headDim;
        var feedForward = (dim * 8 / 3 + 31) / 32 * 32;
        var arch = options.Architecture;

        var w = new GgufWriter();
        w.Add("general.architecture", arch);
        if (options.Name is not null)
        {
            w.Add("general.name", options.Name);
        }

        w.Add("general.alignment", GgufFile.DefaultAlignment);
        w.Add("general.file_type", 0u);
        w.Add($"{arch}.context_length", (uint)options.ContextLength);
        w.Add($"{arch}.embedding_length", (uint)dim);
        w.Add($"{arch}.block_count", (uint)options.Layers);
        w.Add($"{arch}.feed_forward_length", (uint)feedForward);
        w.Add($"{arch}.attention.head_count", (uint)heads);
        w.Add($"{arch}.attention.head_count_kv", (uint)keyValueHeads);
        w.Add($"{arch}.rope.dimension_count", (uint)headDim);
        w.Add($"{arch}.rope.freq_base", 10000f);
        w.Add($"{arch}.attention.layer_norm_rms_epsilon", 1e-5f);
        w.Add($"{arch}.vocab_size", (uint)vocab.Tokens.Length);

        w.Add("tokenizer.ggml.model", "gpt2");
        w.Add("tokenizer.ggml.pre", "default");
        w.Add("tokenizer.ggml.tokens", vocab.Tokens);
        w.Add("tokenizer.ggml.token_type", vocab.Types);
        w.Add("tokenizer.ggml.merges", s_merges.Select(m => $"{m.Left} {m.Right}").ToArray());
        w.Add("tokenizer.ggml.bos_token_id", (uint)vocab.Id("<|endoftext|>"));
        w.Add("tokenizer.ggml.eos_token_id", (uint)vocab.Id("<|endoftext|>"));
        w.Add("tokenizer.ggml.eot_token_id", (uint)vocab.Id("<|endoftext|>"));
        w.Add("tokenizer.ggml.add_bos_token", options.AddBos);
        if (options.WriteFimMetadata && options.FimStyle == TinyFimStyle.Qwen)
        {
            w.Add("tokenizer.ggml.fim_pre_token_id", (uint)vocab.Id("<|fim_prefix|>"));
            w.Add("tokenizer.ggml.fim_suf_token_id", (uint)vocab.Id("<|fim_suffix|>"));
            w.Add("tokenizer.ggml.fim_mid_token_id", (uint)vocab.Id("<|fim_middle|>"));
            w.Add("tokenizer.ggml.fim_pad_token_id", (uint)vocab.Id("<|fim_pad|>"));
        }

        if (options.ChatTemplate)
        {
            w.Add("tokenizer.chat_template", ChatTemplate);
        }

        var rng = new TensorRandom(options.Seed);
        var n = vocab.Tokens.Length;
        var matrixScale = 1f / MathF.Sqrt(dim);
        var endOfText = vocab.Id("<|endoftext|>");

        void Tensor(string name, long[] dims, Action<long, Span<float>> fill)
        {
            if (!options.OmitTensors.Contains(name))
            {
                w.AddTensor(name, dims, fill);
            }
        }

        Tensor("token_embd.weight", [dim, n], rng.Fill("token_embd", 1f, (index, value) => index % dim == 0 ? 1f : value));
        for (var layer = 0; layer < options.Layers; layer++)
        {
            var p = $"blk.{layer}.";
            Tensor(p + "attn_norm.weight", [dim], Ones);
            Tensor(p + "attn_q.weight", [dim, dim], rng.Fill(p + "q", matrixScale));
            Tensor(p + "attn_k.weight", [dim, keyValueDim], rng.Fill(p + "k", matrixScale));
            Tensor(p + "attn_v.weight", [dim, keyValueDim], rng.Fill(p + "v", matrixScale));
            Tensor(p + "attn_output.weight", [dim, dim], rng.Fill(p + "o", matrixScale));
            Tensor(p + "ffn_norm.weight", [dim], Ones);
            Tensor(p + "ffn_gate.weight", [dim, feedForward], rng.Fill(p + "gate", matrixScale));
            Tensor(p + "ffn_up.weight", [dim, feedForward], rng.Fill(p + "up", matrixScale));
            Tensor(p + "ffn_down.weight", [feedForward, dim], rng.Fill(p + "down", 1f / MathF.Sqrt(feedForward)));
        }

        Tensor("output_norm.weight", [dim], Ones);
        Tensor("output.weight", [dim, n], rng.Fill("output", 0.5f, (index, value) =>
        {
            if (index % dim != 0)
            {
                return value;
            }

            var token = (int)(index / dim);
            if (options.PreferEndOfText && token == endOfText)
            {
                return ControlBias;
            }

            // Control tokens and bytes that are not printable ASCII are suppressed: the model's output is noise,
            // but noise made of characters that can appear in code, so editors and tests see real suggestions.
            return vocab.Types[token] == TokenTypeControl || token < 256 && !IsPrintableAscii(token) ? -ControlBias : 0f;
        }));

        w.WriteTo(path);
    }

    private static void Ones(long start, Span<float> chunk) => chunk.Fill(1f);

    private static bool IsPrintableAscii(int b) => b is >= 0x20 and < 0x7F or '\n' or '\t';

    private const int TokenTypeNormal = 1;
    private const int TokenTypeControl = 3;

    private static Vocabulary BuildVocabulary(TinyFimStyle fimStyle, int? size)
    {
        var tokens = new List<string>();
        var byteToChar = ByteLevelEncoding.ByteToChar;
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(byteToChar[b].ToString());
        }

        tokens.AddRange(s_merges.Select(m => m.Left + m.Right));

        List<string> specials = ["<|endoftext|>"];
        specials.AddRange(fimStyle switch
        {
            TinyFimStyle.Qwen => ["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>"],
            TinyFimStyle.Codestral => ["[PREFIX]", "[MIDDLE]", "[SUFFIX]"],
            _ => [],
        });
        specials.AddRange(["<|file_sep|>", "<|repo_name|>", "<|im_start|>", "<|im_end|>"]);
        for (var i = 0; tokens.Count + specials.Count < (size ?? 0); i++)
        {
            tokens.Add("Ġfill" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var normalCount = tokens.Count;
        tokens.AddRange(specials);

        var types = Enumerable.Range(0, tokens.Count).Select(i => i < normalCount ? TokenTypeNormal : TokenTypeControl).ToArray();
        return new Vocabulary(tokens.ToArray(), types);
    }

    private sealed record Vocabulary(string[] Tokens, int[] Types)
    {
        public int Id(string token) => Array.IndexOf(Tokens, token);
    }

    /// <summary>SplitMix64, seeded per tensor so every tensor's values depend only on the seed and its name.</summary>
    private sealed class TensorRandom(int seed)
    {
        public Action<long, Span<float>> Fill(string tensor, float scale, Func<long, float, float>? adjust = null)
        {
            var state = (ulong)seed * 0x9E3779B97F4A7C15UL ^ StableHash(tensor);
            return (start, chunk) =>
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    var value = (Next(ref state) >> 40) * (1f / (1 << 24)) * 2f - 1f;
                    value *= scale;
                    chunk[i] = adjust is null ? value : adjust(start + i, value);
                }
            };
        }

        private static ulong Next(ref ulong state)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private static ulong StableHash(string text)
        {
            var hash = 14695981039346656037UL; // FNV-1a
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }
}

/// <summary>GPT-2's byte-to-unicode table: every byte gets a printable character, so BPE tokens are plain strings.</summary>
internal static class ByteLevelEncoding
{
    public static readonly char[] ByteToChar = Build();

    private static char[] Build()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }
}
