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

    private readonly byte[][] _childBytes;
    private readonly int[][] _children;
    private readonly bool[] _terminal;
    private readonly bool[] _alternatives = new bool[256];

    public IdentifierTrie(IEnumerable<string> names, string alternativeStarts = "")
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(alternativeStarts);
        var edges = new List<SortedDictionary<byte, int>> { new() };
        var terminal = new List<bool> { false };
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            var node = Root;
            foreach (var b in Encoding.UTF8.GetBytes(name))
            {
                if (!edges[node].TryGetValue(b, out var child))
                {
                    child = edges.Count;
                    edges[node][b] = child;
                    edges.Add([]);
                    terminal.Add(false);
                }

                node = child;
            }

            terminal[node] = true;
            NameCount++;
        }

        _childBytes = edges.Select(e => e.Keys.ToArray()).ToArray();
        _children = edges.Select(e => e.Values.ToArray()).ToArray();
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

    /// <summary>The bytes that continue a name from <paramref name="node"/>, with the nodes they lead to (sorted by byte).</summary>
    public (byte[] Bytes, int[] Nodes) Children(int node) => (_childBytes[node], _children[node]);

    /// <summary>The node after <paramref name="b"/>, or -1 when no name continues that way.</summary>
    public int Child(int node, byte b)
    {
        var index = Array.BinarySearch(_childBytes[node], b);
        return index >= 0 ? _children[node][index] : -1;
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
