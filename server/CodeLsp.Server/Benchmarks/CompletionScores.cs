using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// How close a suggestion is to what the developer really wrote (the true rest of the line). Only the
/// suggestion's first line is compared: the truth is one line's rest. Trailing whitespace is ignored; no suggestion
/// scores zero everywhere.
/// </summary>
internal static class CompletionScores
{
    public static string FirstLine(string? suggestion)
    {
        if (suggestion is null) return "";
        var end = suggestion.IndexOfAny(['\r', '\n']);
        return (end < 0 ? suggestion : suggestion[..end]).TrimEnd();
    }

    public static bool ExactMatch(string? suggestion, string truth) =>
        suggestion is not null && FirstLine(suggestion) == truth.TrimEnd();

    /// <summary>1 − Levenshtein distance / the longer length (1 when both are empty; 0 without a suggestion).</summary>
    public static double EditSimilarity(string? suggestion, string truth)
    {
        if (suggestion is null) return 0;
        var a = FirstLine(suggestion);
        var b = truth.TrimEnd();
        var longer = Math.Max(a.Length, b.Length);
        return longer == 0 ? 1 : 1 - (double)Levenshtein(a, b) / longer;
    }

    /// <summary>The C# identifiers of a text, in order, each once; keywords and contextual keywords (var, with, await …) excluded.</summary>
    public static IReadOnlyList<string> Identifiers(string text) =>
        SyntaxFactory.ParseTokens(text)
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && (t.Text.StartsWith('@') || SyntaxFacts.GetContextualKeywordKind(t.ValueText) == SyntaxKind.None))
            .Select(t => t.ValueText).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Share of <paramref name="wanted"/> the suggestion's first line contains as identifiers; null when nothing is wanted.</summary>
    public static double? Recall(string? suggestion, IReadOnlyCollection<string> wanted)
    {
        if (wanted.Count == 0) return null;
        var written = Identifiers(FirstLine(suggestion)).ToHashSet(StringComparer.Ordinal);
        return (double)wanted.Count(written.Contains) / wanted.Count;
    }

    public static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
