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

    /// <summary>Each text's lines as tokens, while the text lives. Per instance: the benchmark's baseline over every file of a solution must not keep its tokens in the server's provider.</summary>
    private readonly ConditionalWeakTable<SourceText, string[][]> _lineTokens = new();

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
        var found = new List<(double Similarity, RecentDocument Document, int FirstLine, int LastLine)>();
        foreach (var candidate in candidates)
        {
            if (currentPath is not null && string.Equals(candidate.Path, currentPath, StringComparison.Ordinal)) continue;
            foreach (var (similarity, first, last) in BestWindows(query, Tokens(candidate.Text)))
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

    private static HashSet<string> QueryTokens(SourceText text, int offset)
    {
        var caretLine = text.Lines.GetLineFromPosition(offset).LineNumber;
        var first = Math.Max(0, caretLine - WindowLines + 1);
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        for (var line = first; line <= caretLine; line++)
        {
            var span = text.Lines[line].Span;
            if (line == caretLine) span = TextSpan.FromBounds(span.Start, offset);
            foreach (var token in Tokenize(text.ToString(span))) tokens.Add(token);
        }
        return tokens;
    }

    /// <summary>Best windows of a document, greedily non-overlapping: a sliding window with token counts.</summary>
    private static IEnumerable<(double Similarity, int FirstLine, int LastLine)> BestWindows(HashSet<string> query, string[][] lines)
    {
        if (lines.Length == 0) yield break;
        var size = Math.Min(WindowLines, lines.Length);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var shared = 0;
        void Add(string[] lineTokens)
        {
            foreach (var t in lineTokens)
            {
                var n = counts.GetValueOrDefault(t);
                counts[t] = n + 1;
                if (n == 0 && query.Contains(t)) shared++;
            }
        }
        void Remove(string[] lineTokens)
        {
            foreach (var t in lineTokens)
            {
                var n = counts[t] - 1;
                if (n == 0)
                {
                    counts.Remove(t);
                    if (query.Contains(t)) shared--;
                }
                else counts[t] = n;
            }
        }
        var scores = new double[lines.Length - size + 1];
        for (var i = 0; i < size; i++) Add(lines[i]);
        for (var start = 0; ; start++)
        {
            var union = counts.Count + query.Count - shared;
            scores[start] = union == 0 ? 0 : (double)shared / union;
            if (start + size >= lines.Length) break;
            Remove(lines[start]);
            Add(lines[start + size]);
        }
        var taken = new List<int>();
        foreach (var start in Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]))
        {
            if (scores[start] < MinSimilarity || taken.Count == MaxSnippetsPerDocument) break;
            if (taken.Any(t => Math.Abs(t - start) < size)) continue;
            taken.Add(start);
            yield return (scores[start], start, start + size - 1);
        }
    }

    private string[][] Tokens(SourceText text) => _lineTokens.GetValue(text, static t =>
    {
        var lines = new string[t.Lines.Count][];
        for (var i = 0; i < lines.Length; i++) lines[i] = Tokenize(t.ToString(t.Lines[i].Span)).Distinct(StringComparer.Ordinal).ToArray();
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
