using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context.Evaluation;

/// <summary>
/// A place in real code where a completion could be asked for: the caret at <see cref="Offset"/>, the true rest of
/// the line up to <see cref="LineEnd"/> (what the user is about to type, masked before anything is asked).
/// </summary>
public sealed record CompletionSite(DocumentId DocumentId, string Path, int Offset, int LineEnd, string Kind);

/// <summary>The site kinds, as <see cref="CompletionSite.Kind"/> spells them.</summary>
public static class CompletionSiteKinds
{
    /// <summary>Right after the '.' of a member access or qualified name.</summary>
    public const string AfterDot = "after-dot";

    /// <summary>The first identifier of a statement (an expression statement or a local declaration).</summary>
    public const string StatementStart = "statement-start";

    /// <summary>The start of any other identifier in an expression: an argument, a right-hand side, after `return` or `new`.</summary>
    public const string Identifier = "identifier";
}

/// <summary>
/// Finds completion sites in a solution's own documents and draws a seeded sample: half after a '.', half at the
/// start of an identifier (statement starts and other identifiers, in their natural proportion). Used by
/// <c>codelsp bench context</c> and reusable by any evaluation that needs the same sites.
/// </summary>
public static class CompletionSiteSampler
{
    /// <summary>The solution's C# documents, one per file (a multi-targeted project holds the same file once per target), generated files excluded.</summary>
    public static IReadOnlyList<Document> SourceDocuments(Solution solution) =>
        solution.Projects.Where(p => p.Language == LanguageNames.CSharp)
            .SelectMany(p => p.Documents)
            .Where(d => d.FilePath is { } f && f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !IsGenerated(f))
            .GroupBy(d => d.FilePath!, StringComparer.Ordinal).Select(g => g.First())
            .OrderBy(d => d.FilePath, StringComparer.Ordinal).ToList();

    /// <summary>Every site of one document where the rest of the line holds a letter.</summary>
    public static IEnumerable<CompletionSite> FindSites(Document document, SyntaxNode root, SourceText text)
    {
        foreach (var token in root.DescendantTokens())
        {
            string kind;
            int offset;
            if (token.IsKind(SyntaxKind.DotToken) && IsMemberDot(token))
            {
                kind = CompletionSiteKinds.AfterDot;
                offset = token.Span.End;
            }
            else if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is SimpleNameSyntax name && !IsRightOfDot(name) && !InDirective(name))
            {
                offset = token.SpanStart;
                kind = name.FirstAncestorOrSelf<StatementSyntax>() is { } statement && statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax && statement.SpanStart == offset
                    ? CompletionSiteKinds.StatementStart
                    : CompletionSiteKinds.Identifier;
            }
            else continue;
            var line = text.Lines.GetLineFromPosition(offset);
            if (!text.ToString(TextSpan.FromBounds(offset, line.End)).Any(char.IsLetter)) continue;
            yield return new CompletionSite(document.Id, document.FilePath!, offset, line.End, kind);
        }
    }

    /// <summary>
    /// A seeded sample of <paramref name="count"/> sites: half after a '.', a quarter at statement starts, a quarter
    /// at other identifier starts (a kind short of sites leaves its share to the others); each drawn uniformly
    /// (Fisher-Yates with <paramref name="seed"/>), returned in document order.
    /// </summary>
    public static IReadOnlyList<CompletionSite> Sample(IReadOnlyList<CompletionSite> sites, int count, int seed)
    {
        var random = new Random(seed);
        var pools = new[] { CompletionSiteKinds.AfterDot, CompletionSiteKinds.StatementStart, CompletionSiteKinds.Identifier }
            .Select(kind => sites.Where(s => s.Kind == kind).ToList()).ToArray();
        var shares = new[] { count / 2, count / 4, count - count / 2 - count / 4 };
        var taken = shares.Select((share, i) => Math.Min(share, pools[i].Count)).ToArray();
        for (var left = count - taken.Sum(); left > 0;)
        {
            var grew = false;
            for (var i = 0; i < pools.Length && left > 0; i++)
            {
                if (taken[i] >= pools[i].Count) continue;
                taken[i]++;
                left--;
                grew = true;
            }
            if (!grew) break;
        }
        return pools.SelectMany((pool, i) => Draw(pool, taken[i], random))
            .OrderBy(s => s.Path, StringComparer.Ordinal).ThenBy(s => s.Offset).ToList();
    }

    private static IEnumerable<CompletionSite> Draw(List<CompletionSite> pool, int count, Random random)
    {
        var copy = pool.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy.Take(count);
    }

    private static bool IsMemberDot(SyntaxToken dot) => dot.Parent switch
    {
        MemberAccessExpressionSyntax { Name: IdentifierNameSyntax or GenericNameSyntax } => true,
        QualifiedNameSyntax qualified => !InDirective(qualified),
        _ => false,
    };

    private static bool IsRightOfDot(SimpleNameSyntax name) =>
        name.Parent is MemberAccessExpressionSyntax access && access.Name == name ||
        name.Parent is QualifiedNameSyntax qualified && qualified.Right == name ||
        name.Parent is MemberBindingExpressionSyntax;

    /// <summary>Usings, namespace names and attributes are not where completions are asked.</summary>
    private static bool InDirective(SyntaxNode node) =>
        node.AncestorsAndSelf().Any(n => n is UsingDirectiveSyntax or AttributeListSyntax || n is BaseNamespaceDeclarationSyntax ns && ns.Name.Span.Contains(node.Span));

    public static bool IsGenerated(string path) =>
        path.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where the declaration of a target lives, as the recall tables split it.</summary>
public static class TargetHomes
{
    public const string OwnFile = "own file";
    public const string OtherFile = "other files";
    public const string Metadata = "metadata";
    public const string Unresolved = "unresolved";
}

/// <summary>An identifier the model must write that the visible text does not give it, and where it is declared.</summary>
public sealed record ContinuationTarget(string Name, string Home);

/// <summary>
/// The ground truth of a site: the identifiers of the true rest of the line that do not appear as a word in the
/// visible window (the lines before and after the caret that the prompt carries). Names the rest of the line
/// declares itself (a new local, a lambda parameter, an out variable) are left out: they are invented, not looked up.
/// </summary>
public static class ContinuationTargets
{
    public static IReadOnlyList<ContinuationTarget> Find(SyntaxNode originalRoot, SemanticModel originalModel, CompletionSite site, IReadOnlySet<string> visibleWords, CancellationToken ct)
    {
        var targets = new List<ContinuationTarget>();
        var tokens = originalRoot.DescendantTokens(TextSpan.FromBounds(site.Offset, site.LineEnd))
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.SpanStart >= site.Offset && t.Span.End <= site.LineEnd).ToList();
        // Names the line declares (a lambda parameter, a new local) are invented there, and so are their uses.
        var declared = tokens.Where(t => t.Parent is { } parent && IsDeclaredHere(parent, t)).Select(t => t.ValueText).ToHashSet(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            var name = token.ValueText;
            if (visibleWords.Contains(name) || declared.Contains(name) || targets.Any(t => t.Name == name)) continue;
            var node = token.Parent;
            if (node is null || node is IdentifierNameSyntax { IsVar: true }) continue;
            targets.Add(new ContinuationTarget(name, HomeOf(node, originalModel, site, ct)));
        }
        return targets;
    }

    private static bool IsDeclaredHere(SyntaxNode node, SyntaxToken token) => node switch
    {
        VariableDeclaratorSyntax v => v.Identifier == token,
        SingleVariableDesignationSyntax => true,
        ParameterSyntax p => p.Identifier == token,
        ForEachStatementSyntax f => f.Identifier == token,
        CatchDeclarationSyntax c => c.Identifier == token,
        LocalFunctionStatementSyntax l => l.Identifier == token,
        MemberDeclarationSyntax or TypeParameterSyntax or FromClauseSyntax or LetClauseSyntax or JoinClauseSyntax or QueryContinuationSyntax => true,
        _ => false,
    };

    private static string HomeOf(SyntaxNode node, SemanticModel model, CompletionSite site, CancellationToken ct)
    {
        var info = model.GetSymbolInfo(node, ct);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        if (symbol is null) return TargetHomes.Unresolved;
        var source = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (source is null) return TargetHomes.Metadata;
        return string.Equals(source.SourceTree?.FilePath, site.Path, StringComparison.Ordinal) ? TargetHomes.OwnFile : TargetHomes.OtherFile;
    }

    /// <summary>The identifier-like words of a text (letters, digits, '_', starting with a letter or '_').</summary>
    public static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsLetter(text[i]) || text[i] == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                words.Add(text[start..i]);
            }
            else i++;
        }
        return words;
    }
}
