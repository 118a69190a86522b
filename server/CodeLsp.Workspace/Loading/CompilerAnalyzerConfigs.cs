using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// Keeps each analyzer configuration file (.editorconfig, .globalconfig) once, and only what the server reads of it.
/// MSBuildWorkspace gives every project its own copy of every configuration file that applies to it; a repository
/// with large global configurations (analyzer rule sets of 1,000 severities and 3,000 comment lines, 240 KB each,
/// imported by all 15 projects of Polly) holds them 15 times over, parsed 15 times. The server runs no analyzers:
/// the compiler reads its own diagnostics' severities (<c>dotnet_diagnostic.CS….severity</c>), the formatter and the
/// simplifier read the style and formatting options, generators read their <c>build_property</c> lines. So the
/// severities of analyzer diagnostics and the comments are left out, and every project that lists the same file gets
/// the same text.
/// </summary>
internal static class CompilerAnalyzerConfigs
{
    public static async Task<Solution> ApplyAsync(Solution solution, CancellationToken ct)
    {
        var pruned = new Dictionary<string, SourceText?>(StringComparer.Ordinal);
        foreach (var project in solution.Projects)
        {
            foreach (var document in project.AnalyzerConfigDocuments)
            {
                if (document.FilePath is not { } path) continue;
                if (!pruned.TryGetValue(path, out var text))
                {
                    pruned[path] = text = await PrunedTextAsync(document, ct).ConfigureAwait(false);
                }
                if (text is not null) solution = solution.WithAnalyzerConfigDocumentText(document.Id, text, PreservationMode.PreserveIdentity);
            }
        }
        return solution;
    }

    private static async Task<SourceText?> PrunedTextAsync(AnalyzerConfigDocument document, CancellationToken ct)
    {
        try
        {
            var original = await document.GetTextAsync(ct).ConfigureAwait(false);
            return SourceText.From(Prune(original.ToString()), original.Encoding, original.ChecksumAlgorithm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null; // the compilation reports an unreadable file as before
        }
    }

    /// <summary>
    /// The configuration without comment lines, blank lines and the severities of diagnostics that are not the
    /// compiler's (every ID other than <c>CS</c> and digits). Every other line is kept as written, in order.
    /// </summary>
    public static string Prune(string text)
    {
        var kept = new System.Text.StringBuilder(Math.Min(text.Length, 4096));
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (trimmed.IsEmpty || trimmed[0] is '#' or ';' || IsAnalyzerSeverity(trimmed)) continue;
            kept.Append(line).Append('\n');
        }
        return kept.ToString();
    }

    /// <summary><c>dotnet_diagnostic.&lt;id&gt;.severity = …</c> for an ID that is not a compiler diagnostic.</summary>
    private static bool IsAnalyzerSeverity(ReadOnlySpan<char> line)
    {
        const string Prefix = "dotnet_diagnostic.";
        if (!line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) return false;
        var equals = line.IndexOf('=');
        if (equals < 0) return false;
        var key = line[Prefix.Length..equals].TrimEnd();
        const string Suffix = ".severity";
        if (!key.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)) return false;
        var id = key[..^Suffix.Length];
        return !IsCompilerId(id);
    }

    private static bool IsCompilerId(ReadOnlySpan<char> id)
    {
        if (id.Length < 3 || !id.StartsWith("CS", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var c in id[2..])
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        return true;
    }
}
