using System.Text;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// Fills a <see cref="PendingModelEdit"/> with the model: a fill-in-the-middle prompt whose context carries the
/// recent edit as a diff and the Roslyn facts of the site (what is missing, what is in scope), and whose prefix and
/// suffix are the window around the site with the hole at the site (the cursor). Runs at background priority, so a
/// keystroke completion goes first. The value is cut at the argument's end; the caller compile-checks it.
/// </summary>
public static class NextEditModelWriter
{
    private const int LinesBefore = 30;
    private const int LinesAfter = 8;

    public static async Task<string?> WriteAsync(IInferenceEngine engine, PendingModelEdit site, string recentEdits, CancellationToken ct)
    {
        if (!engine.Info.SupportsFim) return null;
        var prompt = await BuildPromptAsync(site, recentEdits, ct).ConfigureAwait(false);
        var limits = new GenerationLimits(16, TimeSpan.FromSeconds(2))
        {
            Priority = WorkPriority.Background,
            StopWhen = generated => Cut(generated).Complete,
        };
        var completion = await engine.CompleteAsync(prompt, limits, ct).ConfigureAwait(false);
        var (value, _) = Cut(completion.Text);
        return value.Length == 0 ? null : value;
    }

    public static async Task<FimPrompt> BuildPromptAsync(PendingModelEdit site, string recentEdits, CancellationToken ct)
    {
        var text = await site.Document.GetTextAsync(ct).ConfigureAwait(false);
        var line = text.Lines.GetLineFromPosition(site.Offset).LineNumber;
        var start = text.Lines[Math.Max(0, line - LinesBefore)].Start;
        var end = text.Lines[Math.Min(text.Lines.Count - 1, line + LinesAfter)].End;
        var prefix = text.ToString(TextSpan.FromBounds(start, site.Offset)) + site.Before;
        var suffix = site.After + text.ToString(TextSpan.FromBounds(site.Offset, end));

        var context = new StringBuilder();
        context.Append("// ").Append(Path.GetFileName(site.FilePath)).Append(": the user just made this edit\n");
        foreach (var l in recentEdits.Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Append("// ").Append(l).Append('\n');
        context.Append("// ").Append(site.Reason).Append("; the call below needs the argument for `").Append(site.TypeName).Append(' ').Append(site.ParameterName).Append("`.\n");
        var model = await site.Document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (model is not null)
        {
            var inScope = model.LookupSymbols(site.Offset)
                .Where(s => s is ILocalSymbol or IParameterSymbol || (s is IFieldSymbol or IPropertySymbol && SymbolEqualityComparer.Default.Equals(s.ContainingType, model.GetEnclosingSymbol(site.Offset, ct)?.ContainingType)))
                .Take(12)
                .Select(s => $"{TypeOf(s)?.ToMinimalDisplayString(model, site.Offset)} {s.Name}")
                .ToList();
            if (inScope.Count > 0) context.Append("// In scope: ").Append(string.Join(", ", inScope)).Append('\n');
        }
        return new FimPrompt(prefix, suffix) { Context = context.ToString() };
    }

    /// <summary>The recent edit of one document as "-"/"+" lines (the changed lines before and after).</summary>
    public static string RenderDiff(SourceText before, SourceText after)
    {
        var builder = new StringBuilder();
        foreach (var hunk in DocumentDiff.Compute(before, after).Hunks.Take(3))
        {
            foreach (var l in LinesOf(before, hunk.Old)) builder.Append("- ").Append(l).Append('\n');
            foreach (var l in LinesOf(after, hunk.New)) builder.Append("+ ").Append(l).Append('\n');
        }
        return builder.ToString();
    }

    private static IEnumerable<string> LinesOf(SourceText text, TextSpan span)
    {
        var first = text.Lines.GetLineFromPosition(span.Start).LineNumber;
        var last = text.Lines.GetLineFromPosition(span.End).LineNumber;
        for (var i = first; i <= Math.Min(last, first + 5); i++) yield return text.Lines[i].ToString().Trim();
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol l => l.Type,
        IParameterSymbol p => p.Type,
        IFieldSymbol f => f.Type,
        IPropertySymbol p => p.Type,
        _ => null,
    };

    /// <summary>The argument expression the text starts with: up to a top-level ',' ')' ';' or line end.</summary>
    internal static (string Value, bool Complete) Cut(string generated)
    {
        var depth = 0;
        for (var i = 0; i < generated.Length; i++)
        {
            var c = generated[i];
            switch (c)
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}' when depth > 0:
                    depth--;
                    break;
                case ')' or ']' or '}' or ',' or ';' or '\n' when depth == 0:
                    return (generated[..i].Trim(), true);
            }
        }
        return (generated.Trim(), false);
    }
}
