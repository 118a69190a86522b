using System.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Packs items into a token budget and renders them, in two tiers. Full tier: greedy by score, the best item first,
/// each taken with its declaration when it still fits within <see cref="FullTierShare"/> of the budget (with its
/// group's header and closing brace the first time the group appears). Compact tier: the rest of the budget lists
/// the names of the next-best members that did not fit, per declaring type (<c>// More in Order: Lines, Status</c>):
/// a name costs two or three tokens where a signature costs thirty, and a name the model has seen is one it can write.
/// What the compact tier does not use (nothing to list) goes back to declarations, in score order.
/// Rendering is C# in line comments: the compact lines first, then each group as a declaration header with its
/// members indented under it; groups, and the members inside a group, go from the least to the most relevant, so the
/// most relevant fact sits nearest the code the model continues (FIM models attend most to what is closest), and a
/// prompt that had to be shortened from its start would lose the least relevant first.
/// </summary>
public static class ContextPacker
{
    public const string Preamble = "Context from the solution (declarations only):";

    /// <summary>The share of the budget the full tier may use; what it leaves goes to the compact tier.</summary>
    public const double FullTierShare = 0.75;

    internal const string CompactPrefix = "More in ";

    public static PromptContext Pack(IEnumerable<ContextItem> candidates, ContextBudget budget)
    {
        var ranked = candidates
            .Select((item, index) => item with { Sequence = item.Sequence == 0 ? index : item.Sequence })
            .OrderByDescending(i => i.Score).ThenBy(i => i.Sequence).ToList();
        var used = budget.CountTokens(Comment(Preamble));
        var fullLimit = (int)(budget.Tokens * FullTierShare);
        var openGroups = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ContextItem>(ranked.Count);
        foreach (var item in ranked)
        {
            var cost = PackingCosts.Comment(budget, item.Text, indented: item.Group is not null);
            if (item.Group is { } group && !openGroups.Contains(group)) cost += PackingCosts.Group(budget, group);
            if (used + cost <= fullLimit && item.Score > 0)
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

        // The compact tier: names of the best members left out, while the whole budget allows.
        var listed = result.Where(i => i.Included && i.Name is not null && i.Container is not null).Select(i => (i.Container!, i.Name!)).ToHashSet();
        var containers = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < result.Count; index++)
        {
            var item = result[index];
            if (item.Included || item.Score <= 0 || item.Name is null || item.Container is null || listed.Contains((item.Container, item.Name))) continue;
            var cost = PackingCosts.Listed(budget, item.Name);
            if (!containers.Contains(item.Container)) cost += PackingCosts.CompactLine(budget, item.Container);
            if (used + cost > budget.Tokens) continue;
            used += cost;
            listed.Add((item.Container, item.Name));
            containers.Add(item.Container);
            result[index] = item with { Included = true, Compact = true };
        }

        // What the compact tier left (nothing to list by name, as for snippets alone) goes back to declarations.
        for (var index = 0; index < result.Count; index++)
        {
            var item = result[index];
            if (item.Included || item.Score <= 0) continue;
            var cost = PackingCosts.Comment(budget, item.Text, indented: item.Group is not null);
            if (item.Group is { } group && !openGroups.Contains(group)) cost += PackingCosts.Group(budget, group);
            if (used + cost > budget.Tokens) continue;
            used += cost;
            if (item.Group is not null) openGroups.Add(item.Group);
            result[index] = item with { Included = true };
        }

        var rendered = Render(result.Where(i => i.Included));
        // The sum of the parts is an estimate of the whole (a real tokenizer may merge across them): never exceed.
        while (rendered.Length > 0 && budget.CountTokens(rendered) > budget.Tokens)
        {
            var worst = result.Where(i => i.Included).MinBy(i => (i.Compact ? 0 : 1, i.Score))!;
            result[result.IndexOf(worst)] = worst with { Included = false, Compact = false };
            rendered = Render(result.Where(i => i.Included));
        }
        return new PromptContext(result, rendered, rendered.Length == 0 ? 0 : budget.CountTokens(rendered));
    }

    public static string Render(IEnumerable<ContextItem> included)
    {
        var all = included.ToList();
        var compact = all.Where(i => i.Compact).ToList();
        var blocks = all.Where(i => !i.Compact)
            .GroupBy(i => i.Group ?? "\u0001" + i.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(g => (Items: g.OrderBy(i => i.Score).ThenByDescending(i => i.Sequence).ToList(), Score: g.Max(i => i.Score)))
            .OrderBy(b => b.Score).ThenByDescending(b => b.Items[0].Sequence)
            .ToList();
        if (blocks.Count == 0 && compact.Count == 0) return "";
        var text = new StringBuilder();
        text.Append(Comment(Preamble));
        // Least relevant first: the compact lines, each type's names best last.
        foreach (var line in compact.GroupBy(i => i.Container!).OrderBy(g => g.Max(i => i.Score)))
            text.Append(Comment(CompactPrefix + line.Key + ": " + string.Join(", ", line.OrderBy(i => i.Score).Select(i => i.Name).Distinct(StringComparer.Ordinal))));
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

    internal static string Indent(string text) => "    " + text.Replace("\n", "\n    ", StringComparison.Ordinal);

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
