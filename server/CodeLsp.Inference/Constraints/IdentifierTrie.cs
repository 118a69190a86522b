using System.Text;

namespace CodeLsp.Inference.Constraints;

/// <summary>
/// The allowed names of one <see cref="IdentifierConstraint"/> as a byte trie (UTF-8), with the rule for leaving the
/// identifier: from a node that completes a name, any byte that cannot continue a C# identifier ends the constraint.
/// </summary>
public sealed class IdentifierTrie
{
    /// <summary>The root node: nothing of the name generated yet.</summary>
    public const int Root = 0;

    /// <summary>Returned by <see cref="Walk"/> when the text has left the identifier: decoding is free from there.</summary>
    public const int Free = -1;

    /// <summary>Returned by <see cref="Walk"/> when the text is not allowed.</summary>
    public const int Rejected = -2;

    // Edges in one sorted array per field (node, then byte): node n's children are _edgeBytes/_edgeTargets[_firstEdge[n].._firstEdge[n + 1]].
    // Flat arrays instead of a dictionary per node: a list of thousands of types (after `new `) is built per request.
    private readonly byte[] _edgeBytes;
    private readonly int[] _edgeTargets;
    private readonly int[] _firstEdge;
    private readonly bool[] _terminal;
    private readonly bool[] _alternatives = new bool[256];

    public IdentifierTrie(IEnumerable<string> names, string alternativeStarts = "")
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(alternativeStarts);
        // Sorted names share their prefixes with their neighbours: each name adds nodes only after the prefix it
        // shares with the one before it, and every node's children arrive in byte order.
        var sorted = names.Distinct(StringComparer.Ordinal).Select(n => Encoding.UTF8.GetBytes(n)).ToList();
        sorted.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        NameCount = sorted.Count;
        var parents = new List<int>();
        var bytes = new List<byte>();
        var terminal = new List<bool> { false };
        var path = new List<int> { Root }; // path[d]: the node after d bytes of the previous name
        byte[] previous = [];
        foreach (var name in sorted)
        {
            var shared = name.AsSpan().CommonPrefixLength(previous);
            path.RemoveRange(shared + 1, path.Count - shared - 1);
            for (var d = shared; d < name.Length; d++)
            {
                parents.Add(path[d]);
                bytes.Add(name[d]);
                terminal.Add(false);
                path.Add(terminal.Count - 1);
            }

            terminal[path[name.Length]] = true;
            previous = name;
        }

        // Node k (k ≥ 1) was created by edge k - 1; order the edges by parent (stable: bytes stay in order).
        var order = Enumerable.Range(0, parents.Count).OrderBy(e => parents[e]).ToArray();
        _edgeBytes = new byte[order.Length];
        _edgeTargets = new int[order.Length];
        _firstEdge = new int[terminal.Count + 1];
        for (var i = 0; i < order.Length; i++)
        {
            _edgeBytes[i] = bytes[order[i]];
            _edgeTargets[i] = order[i] + 1;
            _firstEdge[parents[order[i]] + 1]++;
        }

        for (var n = 0; n < terminal.Count; n++)
        {
            _firstEdge[n + 1] += _firstEdge[n];
        }

        _terminal = [.. terminal];
        foreach (var b in Encoding.UTF8.GetBytes(alternativeStarts))
        {
            if (!IsIdentifierByte(b))
            {
                _alternatives[b] = true;
            }
        }
    }

    public int NameCount { get; }

    public int NodeCount => _terminal.Length;

    /// <summary>Whether the text up to <paramref name="node"/> is a whole allowed name.</summary>
    public bool IsTerminal(int node) => _terminal[node];

    /// <summary>Whether <paramref name="b"/> may start the text instead of a name (see <see cref="IdentifierConstraint.AlternativeStarts"/>).</summary>
    public bool IsAlternativeStart(byte b) => _alternatives[b];

    /// <summary>The bytes that continue a name from <paramref name="node"/>, sorted (<see cref="ChildNodes"/> holds the nodes they lead to).</summary>
    public ReadOnlySpan<byte> ChildBytes(int node) => _edgeBytes.AsSpan(_firstEdge[node], _firstEdge[node + 1] - _firstEdge[node]);

    public ReadOnlySpan<int> ChildNodes(int node) => _edgeTargets.AsSpan(_firstEdge[node], _firstEdge[node + 1] - _firstEdge[node]);

    /// <summary>The node after <paramref name="b"/>, or -1 when no name continues that way.</summary>
    public int Child(int node, byte b)
    {
        var index = ChildBytes(node).BinarySearch(b);
        return index >= 0 ? _edgeTargets[_firstEdge[node] + index] : -1;
    }

    /// <summary>
    /// Where the constraint stands after <paramref name="bytes"/> from <paramref name="node"/>: a node (still inside a
    /// name), <see cref="Free"/> (the text completed a name and went on with a non-identifier byte, or began with an
    /// alternative start) or <see cref="Rejected"/>. <paramref name="atStart"/>: nothing was generated before these bytes.
    /// </summary>
    public int Walk(int node, ReadOnlySpan<byte> bytes, bool atStart)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var child = Child(node, b);
            if (child >= 0)
            {
                node = child;
            }
            else if (_terminal[node] && !IsIdentifierByte(b) || atStart && i == 0 && _alternatives[b])
            {
                return Free;
            }
            else
            {
                return Rejected;
            }
        }

        return node;
    }

    /// <summary>
    /// Bytes that can continue a C# identifier: ASCII letters, digits, '_', and (conservatively) every byte of a
    /// non-ASCII character, since most of those that appear in names are letters.
    /// </summary>
    public static bool IsIdentifierByte(byte b) =>
        b >= 0x80 || b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_';

    /// <summary>The ASCII bytes that cannot continue an identifier, as inclusive ranges.</summary>
    internal static readonly (byte From, byte To)[] NonIdentifierRanges =
        [(0x00, 0x2F), (0x3A, 0x40), (0x5B, 0x5E), (0x60, 0x60), (0x7B, 0x7F)];
}
