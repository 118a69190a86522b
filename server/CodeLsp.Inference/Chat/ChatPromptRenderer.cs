using System.Text;
using CodeLsp.Inference.Engines;
using LLama;
using LLama.Exceptions;
using LLama.Native;

namespace CodeLsp.Inference.Chat;

/// <summary>
/// Lays out a <see cref="ChatRequest"/> in the model's own chat template (the GGUF's <c>tokenizer.chat_template</c>, as
/// llama.cpp recognises it). The template's markup is tokenized with special tokens parsed; every message's content
/// and the response prefix as plain text, so code in a prompt can never inject <c>&lt;|im_end|&gt;</c> or any other control token.
/// </summary>
internal sealed class ChatPromptRenderer
{
    // Stands in for each message's content while the template is applied; split out again afterwards.
    private const char Sentinel = '\u241F';

    private readonly LLamaWeights _weights;

    private ChatPromptRenderer(LLamaWeights weights, string templateName)
    {
        _weights = weights;
        TemplateName = templateName;
    }

    /// <summary>Which template llama.cpp applies (first line of the raw template, for logs and <c>model inspect</c>).</summary>
    public string TemplateName { get; }

    /// <summary>A renderer when the model has a chat template llama.cpp can apply; null for a base model.</summary>
    public static ChatPromptRenderer? TryCreate(LLamaWeights weights)
    {
        var raw = weights.NativeHandle.GetTemplate(null, strict: false);
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        try
        {
            // Without a recognised template llama.cpp throws here; with strict: false no ChatML fallback is taken
            // because the model's own template text is passed.
            var probe = new LLamaTemplate(weights, strict: true) { AddAssistant = true };
            probe.Add("user", "x");
            _ = probe.Apply();
        }
        catch (Exception e) when (e is MissingTemplateException or TemplateNotFoundException)
        {
            return null;
        }

        var firstLine = raw.Split('\n')[0];
        return new ChatPromptRenderer(weights, firstLine.Length > 60 ? firstLine[..60] + "…" : firstLine);
    }

    /// <summary>The prompt's tokens: BOS where the model wants one, the rendered conversation, then the response prefix.</summary>
    public List<LLamaToken> Render(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var template = new LLamaTemplate(_weights, strict: true) { AddAssistant = true };
        for (var i = 0; i < request.Messages.Count; i++)
        {
            template.Add(request.Messages[i].Role, $"{Sentinel}{i}{Sentinel}");
        }

        var rendered = Encoding.UTF8.GetString(template.Apply());
        var tokens = new List<LLamaToken>();
        var position = 0;
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var marker = $"{Sentinel}{i}{Sentinel}";
            var at = rendered.IndexOf(marker, position, StringComparison.Ordinal);
            if (at < 0)
            {
                // A template that drops a message (some skip system turns) simply does not show it.
                continue;
            }

            tokens.AddRange(Tokenize(rendered[position..at], special: true));
            tokens.AddRange(Tokenize(request.Messages[i].Content, special: false));
            position = at + marker.Length;
        }

        tokens.AddRange(Tokenize(rendered[position..], special: true));
        if (!string.IsNullOrEmpty(request.ResponsePrefix))
        {
            tokens.AddRange(Tokenize(request.ResponsePrefix, special: false));
        }

        var vocab = _weights.Vocab;
        if (vocab.ShouldAddBOS && vocab.BOS is { } bos && (tokens.Count == 0 || tokens[0] != bos))
        {
            tokens.Insert(0, bos);
        }

        return tokens;
    }

    private LLamaToken[] Tokenize(string text, bool special) =>
        text.Length == 0 ? [] : _weights.Tokenize(text, false, special, Encoding.UTF8);
}
