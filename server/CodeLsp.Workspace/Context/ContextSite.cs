using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>The caret and what is known about it, shared by the collectors.</summary>
internal sealed class ContextSite(Document document, SourceText text, CompilationUnitSyntax root, SemanticModel model, int offset, TextSpan visible, CancellationToken ct)
{
    public Document Document { get; } = document;
    public SourceText Text { get; } = text;
    public CompilationUnitSyntax Root { get; } = root;
    public SemanticModel Model { get; } = model;
    public int Offset { get; } = offset;
    public TextSpan Visible { get; } = visible;
    public CancellationToken CancellationToken { get; } = ct;

    /// <summary>Set when <see cref="Model"/> binds the edited member against an earlier compilation.</summary>
    public SpeculativeModel? Speculation { get; init; }

    /// <summary>How often the solution names each member and type.</summary>
    public UsageIndex Usage { get; init; } = UsageIndex.Empty;

    /// <summary>
    /// What the solution's use of a member's name adds to its score; a framework member it never names loses a
    /// little (see <see cref="UsageIndex"/>).
    /// </summary>
    /// <summary>The namespaces whose extension methods are in scope at the caret (computed once per request).</summary>
    public IReadOnlySet<string> NamespacesInScope => _namespaces ??= MemberLookup.NamespacesInScope(Model, LookupPosition);

    private HashSet<string>? _namespaces;

    /// <summary>The extension methods in scope at the caret, those of the framework that the solution uses (listed once per request).</summary>
    public IReadOnlyList<(IMethodSymbol Method, bool FromSource, ExtensionTarget Target)> ExtensionsInScope => _extensions ??= MemberLookup.ExtensionsInScope(Model.Compilation, NamespacesInScope, Usage);

    private IReadOnlyList<(IMethodSymbol Method, bool FromSource, ExtensionTarget Target)>? _extensions;

    /// <summary>True when the solution's code names <paramref name="name"/> somewhere.</summary>
    public bool IsUsed(string name) => Usage.Count(name) > 0;

    public double UsageScore(ISymbol member)
    {
        var bonus = Usage.Bonus(member.Name);
        return bonus == 0 && !ContextItemList.IsFromSource(member) && Usage.FileCount > 0 ? ContextScores.UnusedMetadataMember : bonus;
    }

    /// <summary>The token the caret is in or right after (typing happens at the end of it).</summary>
    public SyntaxToken LeftToken { get; } = offset > 0 ? root.FindToken(offset - 1) : root.FindToken(0);

    public int CaretLine { get; } = text.Lines.GetLineFromPosition(offset).LineNumber;

    /// <summary>
    /// Where to ask the binder about scope: inside the token left of the caret. At the very end of an unfinished
    /// statement the caret is past every node's span, where only the outermost scope is visible.
    /// </summary>
    public int LookupPosition => Math.Max(0, Math.Min(Offset, LeftToken.Span.End - 1));

    public string? SolutionDirectory { get; } =
        document.Project.Solution.FilePath is { } sln ? Path.GetDirectoryName(sln) :
        document.Project.FilePath is { } proj ? Path.GetDirectoryName(Path.GetDirectoryName(proj)) : null;

    /// <summary>True when the declaration is already in the prompt: in this document, inside the visible window.</summary>
    public bool IsVisible(ISymbol symbol)
    {
        foreach (var location in symbol.Locations)
        {
            if (IsThisDocument(location) && Visible.Contains(Speculation?.ToCurrent(location.SourceSpan.Start) ?? location.SourceSpan.Start))
                return true;
        }
        return false;
    }

    /// <summary>In this document; with a reused model, symbols point into the earlier tree of the same file.</summary>
    public bool IsThisDocument(Location location) =>
        location.IsInSource && (location.SourceTree == Root.SyntaxTree ||
                                Speculation is not null && !string.IsNullOrEmpty(Document.FilePath) && location.SourceTree?.FilePath == Document.FilePath);

    public (string? File, TextSpan? Span) SourceOf(ISymbol symbol)
    {
        var location = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (location is null)
            return (symbol.ContainingAssembly?.Name is { } assembly ? $"[{assembly}]" : null, null);
        return (location.SourceTree?.FilePath, location.SourceSpan);
    }

    public string DisplayPath(string? file)
    {
        if (file is null) return "";
        if (file.StartsWith('[')) return file;
        if (SolutionDirectory is not null && file.StartsWith(SolutionDirectory, StringComparison.Ordinal))
            return Path.GetRelativePath(SolutionDirectory, file).Replace('\\', '/');
        return Path.GetFileName(file);
    }

    private readonly Dictionary<INamedTypeSymbol, string> _groups = new(SymbolEqualityComparer.Default);

    /// <summary>The symbol the caret is in (a method, property, or the type), for accessibility decisions.</summary>
    public ISymbol? EnclosingSymbol => _enclosing ??= Model.GetEnclosingSymbol(LookupPosition, CancellationToken);

    private ISymbol? _enclosing;

    /// <summary>The group header of a type: where it is declared, then its declaration header.</summary>
    public string GroupOf(INamedTypeSymbol type)
    {
        if (!_groups.TryGetValue(type, out var group)) _groups[type] = group = RenderGroup(type);
        return group;
    }

    private string RenderGroup(INamedTypeSymbol type)
    {
        var (file, _) = SourceOf(type);
        var header = SymbolSignatures.TypeHeader(type.OriginalDefinition);
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            header = $"{SymbolSignatures.TypeHeader(outer.OriginalDefinition)} {{ {header}";
        return $"{DisplayPath(file)}\n{header}";
    }

    public double Decay(ISymbol symbol, int referenceLine)
    {
        var distance = Math.Abs(referenceLine - CaretLine);
        return ContextScores.DistanceDecay * Math.Min(1.0, distance / 60.0);
    }
}
