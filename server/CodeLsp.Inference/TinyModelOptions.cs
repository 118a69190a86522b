namespace CodeLsp.Inference;

/// <summary>Shape and quirks of a model written by <see cref="TinyModel"/>.</summary>
public sealed record TinyModelOptions
{
    /// <summary>Embedding width (a multiple of 32).</summary>
    public int Dim { get; init; } = 64;

    public int Layers { get; init; } = 2;

    /// <summary>Width of one attention head; <see cref="Dim"/> must be a multiple of it.</summary>
    public int HeadDimension { get; init; } = 32;

    /// <summary>
    /// Key/value heads (grouped-query attention, as Qwen2.5-Coder has: 12 query heads share 2); null: one per query
    /// head. Must divide the query head count.
    /// </summary>
    public int? KeyValueHeads { get; init; }

    /// <summary>Seed of the weights; the same options always give the same bytes.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>general.name</c>; null leaves the key out.</summary>
    public string? Name { get; init; } = "CodeLsp tiny llama";

    /// <summary><c>general.architecture</c>; the hyper-parameter keys always use the llama layout.</summary>
    public string Architecture { get; init; } = "llama";

    /// <summary><c>llama.context_length</c> (training context).</summary>
    public int ContextLength { get; init; } = 1024;

    /// <summary>Which FIM control tokens the vocabulary contains.</summary>
    public TinyFimStyle FimStyle { get; init; } = TinyFimStyle.Qwen;

    /// <summary>Write the <c>tokenizer.ggml.fim_*_token_id</c> keys (only for <see cref="TinyFimStyle.Qwen"/>).</summary>
    public bool WriteFimMetadata { get; init; } = true;

    /// <summary><c>tokenizer.ggml.add_bos_token</c>: whether prompts start with the BOS token.</summary>
    public bool AddBos { get; init; }

    /// <summary>
    /// Make <c>&lt;|endoftext|&gt;</c> the greedy choice after any prompt. Otherwise every control token is
    /// suppressed, so generation runs until a token or time limit.
    /// </summary>
    public bool PreferEndOfText { get; init; }

    /// <summary>Write a ChatML <c>tokenizer.chat_template</c> (an instruct model); false gives a base FIM-only model.</summary>
    public bool ChatTemplate { get; init; } = true;

    /// <summary>
    /// Total tokens; null: only the byte tokens, merges and specials (~300). A real-size value (Qwen2.5: 151,665) pads
    /// with normal tokens no merge produces, so the special tokens get ids as high as a real model's.
    /// </summary>
    public int? VocabularySize { get; init; }

    /// <summary>Tensor names to leave out (to produce a broken file on purpose).</summary>
    public IReadOnlyCollection<string> OmitTensors { get; init; } = [];
}

public enum TinyFimStyle
{
    /// <summary><c>&lt;|fim_prefix|&gt;</c>, <c>&lt;|fim_suffix|&gt;</c>, … as in Qwen2.5-Coder.</summary>
    Qwen,

    /// <summary><c>[PREFIX]</c>, <c>[SUFFIX]</c>, <c>[MIDDLE]</c> as in Codestral.</summary>
    Codestral,

    /// <summary>No FIM tokens at all.</summary>
    None,
}
