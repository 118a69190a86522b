using System.Text;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// Turns generated tokens into text one at a time. A byte-level token can hold part of a multi-byte UTF-8
/// character, so bytes are fed through one stateful UTF-8 decoder; an incomplete character at the end is held
/// back (never shown as U+FFFD) because the completion may be cut at any token.
/// </summary>
internal sealed class TokenTextDecoder(SafeLlamaModelHandle.Vocabulary vocab)
{
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _text = new();
    private byte[] _bytes = new byte[64];
    private char[] _chars = new char[68];

    public string Text => _text.ToString();

    public void Add(LLamaToken token)
    {
        var length = NativeApi.llama_token_to_piece(vocab, token, _bytes, 0, special: false);
        if (length < 0)
        {
            _bytes = new byte[-length];
            _chars = new char[-length + 4];
            length = NativeApi.llama_token_to_piece(vocab, token, _bytes, 0, special: false);
        }

        // At most one char per byte, plus what the up-to-3 pending bytes of the previous token complete.
        var count = _utf8.GetChars(_bytes.AsSpan(0, length), _chars, flush: false);
        _text.Append(_chars, 0, count);
    }
}
