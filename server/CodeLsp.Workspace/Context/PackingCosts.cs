using System.Runtime.CompilerServices;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// What <see cref="ContextPacker"/> asks of the tokenizer for each candidate: the tokens of its text as a comment,
/// indented under its group or not, and of a name in a compact line. Most texts are the same string from one request
/// to the next (a symbol's signature is made once, <see cref="SymbolSignatures"/>), and writing each as a comment to
/// count it made most of what packing allocated: 0.6 MB per request on Polly's test files (200–270 candidates), 40%
/// of a context build's allocations, and so of its share of collections (<c>codelsp bench context</c> with temporary
/// allocation counters). The counts are kept beside each string, per tokenizer, and go with the string.
/// </summary>
internal static class PackingCosts
{
    private enum Slot { Plain, Indented, Listed, Group, Compact }

    /// <summary>One string's counts, by <see cref="Slot"/>, for the tokenizer <see cref="Counter"/>; -1 until counted.</summary>
    private sealed class Costs
    {
        public Func<string, int>? Counter;
        public readonly int[] Counts = [-1, -1, -1, -1, -1];
    }

    private static readonly ConditionalWeakTable<string, Costs> Known = new();

    /// <summary>The tokens of <c>Comment(text)</c>, or of <c>Comment(Indent(text))</c> when <paramref name="indented"/>.</summary>
    public static int Comment(ContextBudget budget, string text, bool indented) => indented
        ? Count(budget, text, Slot.Indented, static t => ContextPacker.Comment(ContextPacker.Indent(t)))
        : Count(budget, text, Slot.Plain, static t => ContextPacker.Comment(t));

    /// <summary>The tokens of a name listed in a compact line (<c>Name, </c>).</summary>
    public static int Listed(ContextBudget budget, string name) => Count(budget, name, Slot.Listed, static n => n + ", ");

    /// <summary>The tokens of a group's declaration with its braces: asked for every candidate of a group not taken yet.</summary>
    public static int Group(ContextBudget budget, string group) => Count(budget, group, Slot.Group, static g => ContextPacker.Comment(g + "\n{\n}"));

    /// <summary>The tokens of the start of a compact line for <paramref name="container"/> (<c>// More in Order:</c>).</summary>
    public static int CompactLine(ContextBudget budget, string container) =>
        Count(budget, container, Slot.Compact, static c => ContextPacker.Comment(ContextPacker.CompactPrefix + c + ":"));

    /// <summary>The tokens of <paramref name="render"/>(<paramref name="text"/>), counted once per string, slot and tokenizer.</summary>
    private static int Count(ContextBudget budget, string text, Slot slot, Func<string, string> render)
    {
        var costs = Known.GetValue(text, static _ => new Costs());
        lock (costs)
        {
            // Another tokenizer (a model loaded or swapped): what was counted no longer holds. Delegates to the same
            // method on the same target are equal, however often the budget was made.
            if (!Equals(costs.Counter, budget.CountTokens))
            {
                costs.Counter = budget.CountTokens;
                Array.Fill(costs.Counts, -1);
            }
            ref var known = ref costs.Counts[(int)slot];
            if (known < 0) known = budget.CountTokens(render(text));
            return known;
        }
    }
}
