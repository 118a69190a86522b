using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// The XML documentation of a referenced assembly (the .xml beside it), read one member at a time. Roslyn's own file
/// provider parses the whole file on the first question and keeps every member's text as a string for as long as the
/// reference lives: System.Runtime.xml alone is 17,000 members, and a session that reads the docs of a few framework
/// members held 30 MB of them. This one keeps, per member, a 64-bit hash of its id and where its element lies in the
/// file (16 bytes), and reads that element again when asked; the answer is the same text Roslyn's provider gives.
/// Files that are not UTF-8 are left to Roslyn's provider.
/// </summary>
internal sealed class IndexedXmlDocumentationProvider : DocumentationProvider
{
    private static readonly byte[] MemberStart = "<member name=\""u8.ToArray();
    private static readonly byte[] MemberEnd = "</member>"u8.ToArray();

    private readonly string _path;
    private readonly Lazy<Index?> _index;

    private IndexedXmlDocumentationProvider(string path)
    {
        _path = path;
        _index = new Lazy<Index?>(() => Index.Build(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The provider for the documentation file beside <paramref name="assemblyPath"/> (as Roslyn finds it), or null when there is none.</summary>
    public static DocumentationProvider? ForAssembly(string assemblyPath)
    {
        var xml = Path.ChangeExtension(assemblyPath, ".xml");
        if (!File.Exists(xml)) return null;
        return IsUtf8(xml) ? new IndexedXmlDocumentationProvider(xml) : XmlDocumentationProvider.CreateFromFile(xml);
    }

    /// <summary>Members indexed (for tests).</summary>
    internal int MemberCount => _index.Value?.Hashes.Length ?? 0;

    protected override string GetDocumentationForSymbol(string documentationMemberID, CultureInfo preferredCulture, CancellationToken cancellationToken = default)
    {
        if (_index.Value is not { } index) return "";
        var hash = Hash(Encoding.UTF8.GetBytes(documentationMemberID));
        var first = Array.BinarySearch(index.Hashes, hash);
        if (first < 0) return "";
        while (first > 0 && index.Hashes[first - 1] == hash) first--;
        try
        {
            using var file = File.OpenHandle(_path);
            // The last element with this id wins, as in a dictionary filled in file order.
            string? found = null;
            for (var i = first; i < index.Hashes.Length && index.Hashes[i] == hash; i++)
            {
                var (offset, length) = index.Spans[i];
                var bytes = new byte[length];
                if (RandomAccess.Read(file, bytes, offset) != length) continue;
                var element = XElement.Parse(Encoding.UTF8.GetString(bytes), LoadOptions.PreserveWhitespace);
                if (element.Attribute("name")?.Value == documentationMemberID) found = Serialize(element);
            }
            return found ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            return ""; // the file changed or went away since it was indexed: no documentation, as for a missing file
        }
    }

    /// <summary>What Roslyn's provider keeps for a member: the element itself, its whitespace as in the file.</summary>
    private static string Serialize(XElement member) => member.ToString(SaveOptions.DisableFormatting);

    public override bool Equals(object? obj) => obj is IndexedXmlDocumentationProvider other && string.Equals(_path, other._path, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_path);

    private static bool IsUtf8(string path)
    {
        Span<byte> head = stackalloc byte[256];
        using var file = File.OpenHandle(path);
        var read = RandomAccess.Read(file, head, 0);
        head = head[..read];
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return false;
        var prolog = Encoding.ASCII.GetString(head);
        var declared = prolog.IndexOf("encoding=", StringComparison.Ordinal);
        if (!prolog.Contains("<?xml", StringComparison.Ordinal) || declared < 0) return true; // XML's default: UTF-8
        var value = prolog[(declared + "encoding=".Length)..].TrimStart('"', '\'');
        return value.StartsWith("utf-8", StringComparison.OrdinalIgnoreCase) || value.StartsWith("us-ascii", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>FNV-1a, 64 bits, over the id's UTF-8 bytes (the file's own bytes when indexing: no string per member).</summary>
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <summary>Member id hashes, sorted, with the byte span of each member's element in the file.</summary>
    private sealed record Index(ulong[] Hashes, (long Offset, int Length)[] Spans)
    {
        public static Index? Build(string path)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            var hashes = new List<ulong>();
            var spans = new List<(long, int)>();
            var span = bytes.AsSpan();
            var at = 0;
            while (true)
            {
                var start = span[at..].IndexOf(MemberStart);
                if (start < 0) break;
                start += at;
                var nameStart = start + MemberStart.Length;
                var nameLength = span[nameStart..].IndexOf((byte)'"');
                if (nameLength < 0) break;
                var name = span.Slice(nameStart, nameLength);
                // An id with an entity in it is hashed as the text it stands for (ids normally have none).
                var hash = name.Contains((byte)'&')
                    ? Hash(Encoding.UTF8.GetBytes(XElement.Parse($"<m n=\"{Encoding.UTF8.GetString(name)}\"/>").Attribute("n")!.Value))
                    : Hash(name);
                var tagEnd = span[(nameStart + nameLength)..].IndexOf((byte)'>');
                if (tagEnd < 0) break;
                tagEnd += nameStart + nameLength;
                int end;
                if (span[tagEnd - 1] == (byte)'/')
                {
                    end = tagEnd + 1; // <member name="…"/>
                }
                else
                {
                    var close = span[tagEnd..].IndexOf(MemberEnd);
                    if (close < 0) break;
                    end = tagEnd + close + MemberEnd.Length;
                }
                hashes.Add(hash);
                spans.Add((start, end - start));
                at = end;
            }
            var hashArray = hashes.ToArray();
            var spanArray = spans.ToArray();
            // Stable by file order within one hash (the last duplicate must win).
            var order = Enumerable.Range(0, hashArray.Length).OrderBy(i => hashArray[i]).ThenBy(i => i).ToArray();
            return new Index([.. order.Select(i => hashArray[i])], [.. order.Select(i => spanArray[i])]);
        }
    }
}
