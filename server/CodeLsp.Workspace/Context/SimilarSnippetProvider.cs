using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// The text-only baseline (the neighbouring-tabs method of other assistants): the last <see cref="WindowLines"/>
/// lines before the caret are compared with every window of as many lines in other documents by the Jaccard
/// similarity of their identifier sets; the best non-overlapping windows of each document become items.
/// Works on any text, needs no compiler; used alone as the baseline and as the semantic engine's fallback.
/// </summary>
public sealed class SimilarSnippetProvider
{
    public const int WindowLines = 12;
    public const int MaxSnippetsPerDocument = 2;
    public const int MaxSnippets = 8;
    public const double MinSimilarity = 0.1;

    /// <summary>
    /// Each document's lines as identifier ids (distinct per line), computed once per text while it lives. Per
    /// instance: the benchmark's baseline over every file of a solution must not keep its ids in the server's provider.
    /// </summary>
    private readonly ConditionalWeakTable<SourceText, int[][]> _lineTokens = new();

    /// <summary>
    /// Identifier → small integer, shared by every document: the sliding windows count ids in arrays instead of
    /// hashing strings (the scan over all recent documents runs at every context request).
    /// </summary>
    private static readonly Dictionary<string, int> s_ids = new(StringComparer.Ordinal);
    private static readonly Lock s_idsGate = new();

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "var", "new", "return", "if", "else", "for", "foreach", "in", "while", "do", "public", "private", "protected",
        "internal", "static", "readonly", "void", "int", "string", "bool", "true", "false", "null", "this", "class",
        "using", "namespace", "await", "async", "get", "set", "is", "not", "and", "or", "the", "a", "of", "to",
        "throw", "switch", "case", "break", "default", "sealed", "override", "virtual", "const", "out", "ref",
    };

    /// <summary>Items for the snippets most similar to the text before <paramref name="offset"/>.</summary>
    public IReadOnlyList<ContextItem> Find(SourceText text, int offset, IEnumerable<RecentDocument> candidates, string? currentPath, double scale = 1.0, double floor = 0.0)
    {
        var query = QueryTokens(text, offset);
        if (query.Count == 0) return [];
        var documents = candidates
            .Where(c => currentPath is null || !string.Equals(c.Path, currentPath, StringComparison.Ordinal))
            .Select(c => (Document: c, Lines: Tokens(c.Text)))
            .ToList();
        int vocabulary;
        lock (s_idsGate) vocabulary = s_ids.Count;
        using var scan = new WindowScan(query, vocabulary);
        var found = new List<(double Similarity, RecentDocument Document, int FirstLine, int LastLine)>();
        foreach (var (candidate, lines) in documents)
        {
            foreach (var (similarity, first, last) in scan.BestWindows(lines))
                found.Add((similarity, candidate, first, last));
        }
        var items = new List<ContextItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (similarity, document, first, last) in found.OrderByDescending(f => f.Similarity).Take(MaxSnippets * 2))
        {
            var span = TextSpan.FromBounds(document.Text.Lines[first].Start, document.Text.Lines[last].End);
            var snippet = Dedent(document.Text.ToString(span));
            // Deduplicate: the same code copied in two files is worth one snippet.
            if (!seen.Add(string.Join('\n', snippet.Split('\n').Select(l => l.Trim())))) continue;
            items.Add(new ContextItem(ContextItemKinds.SimilarSnippet,
                $"Compare this snippet from {System.IO.Path.GetFileName(document.Path)}:\n{snippet}", document.Path, span,
                $"lines {first + 1}-{last + 1} share {similarity:P0} of their identifiers with the lines before the caret",
                Math.Round(floor + similarity * scale, 4), Included: false));
            if (items.Count == MaxSnippets) break;
        }
        return items;
    }

    private static HashSet<int> QueryTokens(SourceText text, int offset)
    {
        var caretLine = text.Lines.GetLineFromPosition(offset).LineNumber;
        var first = Math.Max(0, caretLine - WindowLines + 1);
        var tokens = new HashSet<int>();
        for (var line = first; line <= caretLine; line++)
        {
            var span = text.Lines[line].Span;
            if (line == caretLine) span = TextSpan.FromBounds(span.Start, offset);
            foreach (var token in Tokenize(text.ToString(span))) tokens.Add(Id(token));
        }
        return tokens;
    }

    private static int Id(string token)
    {
        lock (s_idsGate)
        {
            if (!s_ids.TryGetValue(token, out var id)) s_ids[token] = id = s_ids.Count;
            return id;
        }
    }

    /// <summary>
    /// The sliding window of <see cref="WindowLines"/> lines over one document at a time, counting ids in arrays
    /// (reused across the documents of a request: each scan removes what it added).
    /// </summary>
    private sealed class WindowScan : IDisposable
    {
        private readonly HashSet<int> _query;
        // Pooled (a session's vocabulary reaches tens of thousands of names); every count is back at zero after a
        // document's scan, and the query's marks are cleared on disposal.
        private readonly int[] _counts;
        private readonly bool[] _inQuery;
        private int _distinct;
        private int _shared;

        public WindowScan(HashSet<int> query, int vocabulary)
        {
            _query = query;
            _counts = System.Buffers.ArrayPool<int>.Shared.Rent(vocabulary);
            Array.Clear(_counts, 0, vocabulary);
            _inQuery = System.Buffers.ArrayPool<bool>.Shared.Rent(vocabulary);
            Array.Clear(_inQuery, 0, vocabulary);
            foreach (var id in query) _inQuery[id] = true;
        }

        public void Dispose()
        {
            System.Buffers.ArrayPool<int>.Shared.Return(_counts);
            System.Buffers.ArrayPool<bool>.Shared.Return(_inQuery);
        }

        private void Add(int[] lineTokens)
        {
            foreach (var t in lineTokens)
            {
                if (_counts[t]++ != 0) continue;
                _distinct++;
                if (_inQuery[t]) _shared++;
            }
        }

        private void Remove(int[] lineTokens)
        {
            foreach (var t in lineTokens)
            {
                if (--_counts[t] != 0) continue;
                _distinct--;
                if (_inQuery[t]) _shared--;
            }
        }

        /// <summary>Best windows of a document, greedily non-overlapping.</summary>
        public List<(double Similarity, int FirstLine, int LastLine)> BestWindows(int[][] lines)
        {
            var best = new List<(double, int, int)>();
            if (lines.Length == 0) return best;
            var size = Math.Min(WindowLines, lines.Length);
            var count = lines.Length - size + 1;
            // Pooled, and the best windows picked by a scan per pick rather than by ranking them all: ranking every
            // window of the recent documents (10,000 lines in 8 tabs on Polly's tests) allocated ~200 KB a request.
            var scores = System.Buffers.ArrayPool<double>.Shared.Rent(count);
            try
            {
                for (var i = 0; i < size; i++) Add(lines[i]);
                for (var start = 0; ; start++)
                {
                    var union = _distinct + _query.Count - _shared;
                    scores[start] = union == 0 ? 0 : (double)_shared / union;
                    if (start + size >= lines.Length) break;
                    Remove(lines[start]);
                    Add(lines[start + size]);
                }
                for (var i = lines.Length - size; i < lines.Length; i++) Remove(lines[i]);

                // Greedily: the best window, then the best one that overlaps none taken (equal scores: the first).
                Span<int> taken = stackalloc int[MaxSnippetsPerDocument];
                var takenCount = 0;
                while (takenCount < MaxSnippetsPerDocument)
                {
                    var pick = -1;
                    for (var start = 0; start < count; start++)
                    {
                        if (scores[start] < MinSimilarity || pick >= 0 && scores[start] <= scores[pick] || Overlaps(taken[..takenCount], start, size)) continue;
                        pick = start;
                    }
                    if (pick < 0) break;
                    taken[takenCount++] = pick;
                    best.Add((scores[pick], pick, pick + size - 1));
                }
                return best;
            }
            finally
            {
                System.Buffers.ArrayPool<double>.Shared.Return(scores);
            }
        }

        private static bool Overlaps(ReadOnlySpan<int> taken, int start, int size)
        {
            foreach (var t in taken)
            {
                if (Math.Abs(t - start) < size) return true;
            }
            return false;
        }
    }

    private int[][] Tokens(SourceText text) => _lineTokens.GetValue(text, static t =>
    {
        var lines = new int[t.Lines.Count][];
        for (var i = 0; i < lines.Length; i++) lines[i] = Tokenize(t.ToString(t.Lines[i].Span)).Distinct(StringComparer.Ordinal).Select(Id).ToArray();
        return lines;
    });

    internal static IEnumerable<string> Tokenize(string line)
    {
        var comment = line.IndexOf("//", StringComparison.Ordinal);
        var i = 0;
        var end = comment >= 0 ? comment : line.Length;
        while (i < end)
        {
            if (char.IsLetter(line[i]) || line[i] == '_')
            {
                var start = i;
                while (i < end && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
                var word = line[start..i];
                if (!StopWords.Contains(word)) yield return word;
            }
            else i++;
        }
    }

    private static string Dedent(string snippet)
    {
        var lines = snippet.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).Select(l => l.TrimEnd()));
    }
}
