using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>The candidate items of one request, deduplicated: one symbol (or text) once, at its best score.</summary>
internal sealed class ContextItemList
{
    private readonly List<ContextItem> _items = [];
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);

    public void Add(ContextItem item, string? key = null)
    {
        key ??= item.Kind + "\u0000" + item.Text;
        if (_byKey.TryGetValue(key, out var index))
        {
            if (_items[index].Score >= item.Score) return;
            _items[index] = item with { Sequence = _items[index].Sequence };
            return;
        }
        _byKey[key] = _items.Count;
        _items.Add(item with { Sequence = _items.Count + 1 });
    }

    public bool Contains(string key) => _byKey.ContainsKey(key);

    public List<ContextItem> ToList() => _items;

    /// <summary>
    /// A member's key: its signature and its type's header. Kept per symbol, as the signatures are: a request adds a
    /// few hundred members, and the same symbols come back at the next keystroke.
    /// </summary>
    public static string KeyOf(ISymbol symbol) => Keys.GetValue(symbol, static s =>
        "sym\u0000" + SymbolSignatures.Member(s) + "\u0000" + (s.ContainingType is { } type ? SymbolSignatures.TypeHeader(type) : ""));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ISymbol, string> Keys = new();

    public void AddMember(ContextSite site, string kind, ISymbol member, double score, string why)
    {
        // Constructed members render with their type arguments (List<int>.Add(int item)); the definition says where it lives.
        var definition = member is IMethodSymbol { ReducedFrom: { } reduced } ? reduced : member.OriginalDefinition;
        var shown = member is IMethodSymbol { ReducedFrom: not null } ? definition : member;
        if (site.IsVisible(definition)) return;
        var (file, span) = site.SourceOf(definition);
        var group = shown.ContainingType is { } type ? site.GroupOf(type) : null;
        // The model has read the framework's docs; a summary earns its tokens only for the solution's own members,
        // and only where the next token chooses among them (after a dot, for the expected value): elsewhere the
        // budget holds more names instead.
        var withSummary = IsFromSource(definition) && kind is ContextItemKinds.ReceiverMember or ContextItemKinds.ExpectedType;
        var text = withSummary ? SymbolSignatures.MemberWithSummary(shown) : SymbolSignatures.Member(shown);
        Add(new ContextItem(kind, text, file, span, why, Math.Round(score, 4), false) { Group = group, Name = shown.Name, Container = shown.ContainingType?.Name }, KeyOf(shown));
    }

    public static bool IsFromSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);
}
