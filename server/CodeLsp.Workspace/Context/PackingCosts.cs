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
    private sealed class Costs
    {
        public Func<string, int>? Counter;
        public int Plain = -1;
        public int Indented = -1;
        public int Listed = -1;
        public int Group = -1;
        public int Compact = -1;
    }

    private static readonly ConditionalWeakTable<string, Costs> Known = new();

    /// <summary>The tokens of <c>Comment(text)</c>, or of <c>Comment(Indent(text))</c> when <paramref name="indented"/>.</summary>
    public static int Comment(ContextBudget budget, string text, bool indented)
    {
        var costs = For(budget, text);
        lock (costs)
        {
            ref var known = ref indented ? ref costs.Indented : ref costs.Plain;
            if (known < 0) known = budget.CountTokens(ContextPacker.Comment(indented ? ContextPacker.Indent(text) : text));
            return known;
        }
    }

    /// <summary>The tokens of a name listed in a compact line (<c>Name, </c>).</summary>
    public static int Listed(ContextBudget budget, string name)
    {
        var costs = For(budget, name);
        lock (costs)
        {
            if (costs.Listed < 0) costs.Listed = budget.CountTokens(name + ", ");
            return costs.Listed;
        }
    }

    /// <summary>The tokens of a group's declaration with its braces: asked for every candidate of a group not taken yet.</summary>
    public static int Group(ContextBudget budget, string group)
    {
        var costs = For(budget, group);
        lock (costs)
        {
            if (costs.Group < 0) costs.Group = budget.CountTokens(ContextPacker.Comment(group + "\n{\n}"));
            return costs.Group;
        }
    }

    /// <summary>The tokens of the start of a compact line for <paramref name="container"/> (<c>// More in Order:</c>).</summary>
    public static int CompactLine(ContextBudget budget, string container)
    {
        var costs = For(budget, container);
        lock (costs)
        {
            if (costs.Compact < 0) costs.Compact = budget.CountTokens(ContextPacker.Comment(ContextPacker.CompactPrefix + container + ":"));
            return costs.Compact;
        }
    }

    private static Costs For(ContextBudget budget, string text)
    {
        var costs = Known.GetValue(text, static _ => new Costs());
        lock (costs)
        {
            // Another tokenizer (a model loaded or swapped): what was counted no longer holds. Delegates to the same
            // method on the same target are equal, however often the budget was made.
            if (!Equals(costs.Counter, budget.CountTokens))
            {
                costs.Counter = budget.CountTokens;
                costs.Plain = costs.Indented = costs.Listed = costs.Group = costs.Compact = -1;
            }
        }
        return costs;
    }
}
