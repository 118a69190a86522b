using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>The sliding-window scan gives exactly what comparing every window's identifier set would give.</summary>
public class SimilarSnippetProviderTests
{
    private static readonly string[] s_words =
        ["order", "total", "Add", "Remove", "price", "customer", "item", "_lines", "Sum", "Where", "count", "Save", "repo", "sku"];

    private static string RandomCode(Random random, int lines) => string.Join('\n', Enumerable.Range(0, lines).Select(_ =>
        new string(' ', 4 * random.Next(3)) + string.Join(random.Next(2) == 0 ? "." : " = ", Enumerable.Range(0, random.Next(0, 5)).Select(_ => s_words[random.Next(s_words.Length)])) +
        (random.Next(5) == 0 ? " // " + s_words[random.Next(s_words.Length)] : ";")));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Finds_the_windows_a_full_comparison_finds(int seed)
    {
        var random = new Random(seed);
        var current = SourceText.From(RandomCode(random, 30));
        var offset = current.Lines[20].End;
        var documents = Enumerable.Range(0, 4).Select(i => new RecentDocument($"/src/Doc{i}.cs", SourceText.From(RandomCode(random, random.Next(5, 60))))).ToList();

        var items = new SimilarSnippetProvider().Find(current, offset, documents, "/src/Current.cs");

        var expected = Reference(current, offset, documents);
        Assert.Equal(expected.Select(e => (e.Path, e.Span, Math.Round(e.Similarity, 4))), items.Select(i => (i.SourceFile!, i.SourceSpan!.Value, i.Score)));
        Assert.NotEmpty(items); // the random code shares names, so the comparison has something to find
    }

    /// <summary>Every window of every document compared with the query as sets of names, then the same selection.</summary>
    private static List<(string Path, TextSpan Span, double Similarity)> Reference(SourceText text, int offset, List<RecentDocument> documents)
    {
        var caretLine = text.Lines.GetLineFromPosition(offset).LineNumber;
        var query = new HashSet<string>(Enumerable.Range(Math.Max(0, caretLine - SimilarSnippetProvider.WindowLines + 1), Math.Min(caretLine + 1, SimilarSnippetProvider.WindowLines))
            .SelectMany(l => SimilarSnippetProvider.Tokenize(text.ToString(l == caretLine ? TextSpan.FromBounds(text.Lines[l].Start, offset) : text.Lines[l].Span))), StringComparer.Ordinal);
        var found = new List<(double Similarity, RecentDocument Document, int First, int Last)>();
        foreach (var document in documents)
        {
            var lines = Enumerable.Range(0, document.Text.Lines.Count).Select(l => SimilarSnippetProvider.Tokenize(document.Text.ToString(document.Text.Lines[l].Span)).ToHashSet(StringComparer.Ordinal)).ToList();
            var size = Math.Min(SimilarSnippetProvider.WindowLines, lines.Count);
            var scores = Enumerable.Range(0, lines.Count - size + 1).Select(start =>
            {
                var window = lines.Skip(start).Take(size).SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
                var union = window.Union(query).Count();
                return union == 0 ? 0 : (double)window.Intersect(query).Count() / union;
            }).ToArray();
            var taken = new List<int>();
            foreach (var start in Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]))
            {
                if (scores[start] < SimilarSnippetProvider.MinSimilarity || taken.Count == SimilarSnippetProvider.MaxSnippetsPerDocument) break;
                if (taken.Any(t => Math.Abs(t - start) < size)) continue;
                taken.Add(start);
                found.Add((scores[start], document, start, start + size - 1));
            }
        }
        var result = new List<(string, TextSpan, double)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (similarity, document, first, last) in found.OrderByDescending(f => f.Similarity).Take(SimilarSnippetProvider.MaxSnippets * 2))
        {
            var span = TextSpan.FromBounds(document.Text.Lines[first].Start, document.Text.Lines[last].End);
            var key = string.Join('\n', document.Text.ToString(span).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()));
            if (!seen.Add(key)) continue;
            result.Add((document.Path, span, similarity));
            if (result.Count == SimilarSnippetProvider.MaxSnippets) break;
        }
        return result;
    }
}
