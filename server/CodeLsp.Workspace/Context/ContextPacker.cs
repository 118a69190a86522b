using System.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Packs items into a token budget and renders them. Packing is greedy by score: the best item first, each item
/// taken when it still fits (with its group's header and closing brace the first time the group appears).
/// Rendering is C# in line comments: each group is a declaration header with its members indented under it;
/// groups, and the members inside a group, go from the least to the most relevant, so the most relevant fact sits
/// nearest the code the model continues (FIM models attend most to what is closest), and a prompt that had to be
/// shortened from its start would lose the least relevant first.
/// </summary>
public static class ContextPacker
{
    public const string Preamble = "Context from the solution (declarations only):";

    public static PromptContext Pack(IEnumerable<ContextItem> candidates, ContextBudget budget)
    {
        var ranked = candidates
            .Select((item, index) => item with { Sequence = item.Sequence == 0 ? index : item.Sequence })
            .OrderByDescending(i => i.Score).ThenBy(i => i.Sequence).ToList();
        var used = budget.CountTokens(Comment(Preamble));
        var openGroups = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ContextItem>(ranked.Count);
        foreach (var item in ranked)
        {
            var cost = budget.CountTokens(Comment(item.Group is null ? item.Text : Indent(item.Text)));
            if (item.Group is { } group && !openGroups.Contains(group)) cost += budget.CountTokens(Comment(group + "\n{\n}"));
            if (used + cost <= budget.Tokens && item.Score > 0)
            {
                used += cost;
                if (item.Group is not null) openGroups.Add(item.Group);
                result.Add(item with { Included = true });
            }
            else
            {
                result.Add(item with { Included = false });
            }
        }
        var rendered = Render(result.Where(i => i.Included));
        return new PromptContext(result, rendered, rendered.Length == 0 ? 0 : budget.CountTokens(rendered));
    }

    public static string Render(IEnumerable<ContextItem> included)
    {
        var blocks = included
            .GroupBy(i => i.Group ?? "\u0001" + i.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(g => (Items: g.OrderBy(i => i.Score).ThenByDescending(i => i.Sequence).ToList(), Score: g.Max(i => i.Score)))
            .OrderBy(b => b.Score).ThenByDescending(b => b.Items[0].Sequence)
            .ToList();
        if (blocks.Count == 0) return "";
        var text = new StringBuilder();
        text.Append(Comment(Preamble));
        foreach (var (items, _) in blocks)
        {
            var group = items[0].Group;
            if (group is null)
            {
                text.Append(Comment(items[0].Text));
                continue;
            }
            var body = new StringBuilder();
            body.Append(group).Append("\n{\n");
            foreach (var item in items) body.Append(Indent(item.Text)).Append('\n');
            body.Append('}');
            text.Append(Comment(body.ToString()));
        }
        return text.ToString();
    }

    private static string Indent(string text) => "    " + text.Replace("\n", "\n    ", StringComparison.Ordinal);

    /// <summary>Every line as a C# line comment, each ending in a newline.</summary>
    internal static string Comment(string text)
    {
        var result = new StringBuilder(text.Length + 16);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            result.Append(trimmed.Length == 0 ? "//" : "// ").Append(trimmed).Append('\n');
        }
        return result.ToString();
    }
}
