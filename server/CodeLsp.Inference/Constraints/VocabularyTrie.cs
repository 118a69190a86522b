using LLama.Native;

namespace CodeLsp.Inference.Constraints;

/// <summary>
/// A model's vocabulary as a byte trie: the UTF-8 bytes of every normal token, sorted, so the tokens sharing a prefix
/// form one contiguous range and a trie node is just (depth, range). Built once per model; walking it together with an
/// <see cref="IdentifierTrie"/> finds the tokens a constraint allows without looking at the whole vocabulary, which
/// matters for the 150k-token vocabularies of real code models.
/// </summary>
/// <remarks>Bytes, not characters: a byte-level BPE token may hold part of a multi-byte character.</remarks>
public sealed class VocabularyTrie
{
    private readonly byte[] _bytes;
    private readonly int[] _starts; // token i's bytes are _bytes[_starts[i].._starts[i + 1]]
    private readonly int[] _ids;

    /// <summary>Builds the trie from token ids and their bytes; tokens with no bytes are left out (they never advance text).</summary>
    public VocabularyTrie(IEnumerable<(int Id, byte[] Bytes)> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var sorted = tokens.Where(t => t.Bytes.Length > 0).ToList();
        sorted.Sort((a, b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));
        _ids = sorted.Select(t => t.Id).ToArray();
        _starts = new int[sorted.Count + 1];
        _bytes = new byte[sorted.Sum(t => t.Bytes.Length)];
        var offset = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            _starts[i] = offset;
            sorted[i].Bytes.CopyTo(_bytes, offset);
            offset += sorted[i].Bytes.Length;
        }

        _starts[^1] = offset;
        MaxId = _ids.Length == 0 ? -1 : _ids.Max();
        _byId = new int[MaxId + 1];
        Array.Fill(_byId, -1);
        for (var i = 0; i < _ids.Length; i++)
        {
            _byId[_ids[i]] = i;
        }
    }

    private readonly int[] _byId;

    /// <summary>Number of tokens in the trie.</summary>
    public int Count => _ids.Length;

    public int MaxId { get; }

    /// <summary>The root: depth 0, every token.</summary>
    public Node Root => new(0, 0, _ids.Length);

    /// <summary>The bytes of token <paramref name="id"/>; empty when it is not in the trie (control tokens, empty pieces).</summary>
    public ReadOnlySpan<byte> BytesOf(int id) =>
        id >= 0 && id < _byId.Length && _byId[id] is var i and >= 0 ? Bytes(i) : [];

    /// <summary>The token id at sorted position <paramref name="index"/>.</summary>
    public int IdAt(int index) => _ids[index];

    /// <summary>The node one byte deeper, or a node with an empty range when no token continues with <paramref name="b"/>.</summary>
    public Node Child(Node node, byte b)
    {
        var lo = LowerBound(node.Start, node.End, node.Depth, b);
        var hi = LowerBound(lo, node.End, node.Depth, b + 1);
        return new Node(node.Depth + 1, lo, hi);
    }

    /// <summary>The tokens of <paramref name="node"/>'s range whose next byte lies in [<paramref name="from"/>, <paramref name="to"/>] (a range of sorted positions).</summary>
    public (int Start, int End) ByteRange(Node node, byte from, byte to) =>
        (LowerBound(node.Start, node.End, node.Depth, from), LowerBound(node.Start, node.End, node.Depth, to + 1));

    /// <summary>Sorted positions of the tokens that end exactly at <paramref name="node"/> (they sort first in its range).</summary>
    public (int Start, int End) EndingAt(Node node) => (node.Start, LowerBound(node.Start, node.End, node.Depth, 0));

    /// <summary>The vocabulary of a loaded model: every token that is not a control token, as the bytes it prints.</summary>
    internal static VocabularyTrie FromModel(SafeLlamaModelHandle.Vocabulary vocab)
    {
        var tokens = new List<(int, byte[])>(vocab.Count);
        var buffer = new byte[256];
        for (var id = 0; id < vocab.Count; id++)
        {
            var token = (LLamaToken)id;
            if (token.IsControl(vocab) || token.IsEndOfGeneration(vocab))
            {
                continue;
            }

            var length = NativeApi.llama_token_to_piece(vocab, token, buffer, 0, special: false);
            if (length < 0)
            {
                buffer = new byte[-length];
                length = NativeApi.llama_token_to_piece(vocab, token, buffer, 0, special: false);
            }

            if (length > 0)
            {
                tokens.Add((id, buffer.AsSpan(0, length).ToArray()));
            }
        }

        return new VocabularyTrie(tokens);
    }

    private ReadOnlySpan<byte> Bytes(int index) => _bytes.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    /// <summary>The byte at <paramref name="depth"/> of sorted token <paramref name="index"/>, or -1 when it is shorter.</summary>
    private int ByteAt(int index, int depth)
    {
        var position = _starts[index] + depth;
        return position < _starts[index + 1] ? _bytes[position] : -1;
    }

    /// <summary>First position in [lo, hi) whose byte at <paramref name="depth"/> is at least <paramref name="value"/> (-1 sorts first).</summary>
    private int LowerBound(int lo, int hi, int depth, int value)
    {
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ByteAt(mid, depth) < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>A trie node: the tokens at sorted positions [Start, End) share their first <see cref="Depth"/> bytes.</summary>
    public readonly record struct Node(int Depth, int Start, int End)
    {
        public bool IsEmpty => Start >= End;
    }
}
