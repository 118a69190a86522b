using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// Finds which declarations one document's edit changed and how: a name typed over (rename), a parameter list or
/// return/property/field type changed, a member made async, an abstract/interface or enum member added. It reads
/// each changed region (hunk) of the document, in the trees and semantic models before and after.
/// </summary>
internal static class EditKindDetector
{
    public static async Task<IReadOnlyList<DeclarationChange>> DetectAsync(Document before, Document after, DocumentDiff diff, CancellationToken ct)
    {
        var changes = new List<DeclarationChange>();
        if (diff.IsEmpty) return changes;
        var oldRoot = await before.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var newRoot = await after.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var oldModel = await before.GetSemanticModelAsync(ct).ConfigureAwait(false);
        var newModel = await after.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (oldRoot is null || newRoot is null || oldModel is null || newModel is null) return changes;

        foreach (var hunk in diff.Hunks)
        {
            ct.ThrowIfCancellationRequested();
            if (Renamed(oldRoot, newRoot, oldModel, newModel, hunk, ct) is { } rename)
            {
                changes.Add(rename);
                continue;
            }
            changes.AddRange(HeaderChanges(oldRoot, newRoot, oldModel, newModel, hunk, ct));
            changes.AddRange(MembersAdded(oldRoot, newRoot, oldModel, newModel, hunk, ct));
        }
        return changes
            .DistinctBy(c => (c.Kind, c.Before, c.After), new ChangeKeyComparer())
            .ToList();
    }

    // ---- rename: the hunk lies inside the declaring identifier, before and after ---------------------------------

    private static DeclarationChange? Renamed(SyntaxNode oldRoot, SyntaxNode newRoot, SemanticModel oldModel, SemanticModel newModel, Hunk hunk, CancellationToken ct)
    {
        var oldToken = IdentifierCovering(oldRoot, hunk.Old);
        var newToken = IdentifierCovering(newRoot, hunk.New);
        if (oldToken is not { } o || newToken is not { } n || o.ValueText == n.ValueText || o.Parent is null || n.Parent is null) return null;
        if (o.Parent.RawKind != n.Parent.RawKind) return null;
        var oldSymbol = DeclaredBy(oldModel, o, ct);
        var newSymbol = DeclaredBy(newModel, n, ct);
        if (oldSymbol is null || newSymbol is null || oldSymbol.Kind != newSymbol.Kind) return null;
        return new DeclarationChange(EditKind.Renamed, oldSymbol, newSymbol);
    }

    private static SyntaxToken? IdentifierCovering(SyntaxNode root, TextSpan span)
    {
        foreach (var position in new[] { span.Start, span.Start - 1 })
        {
            if (position < 0 || position >= root.FullSpan.End) continue;
            var token = root.FindToken(position);
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.Start <= span.Start && span.End <= token.Span.End) return token;
        }
        return null;
    }

    /// <summary>The symbol whose declaration has this identifier (a method, parameter, local, field, property, type, …), else null.</summary>
    private static ISymbol? DeclaredBy(SemanticModel model, SyntaxToken identifier, CancellationToken ct)
    {
        var node = identifier.Parent!;
        var symbol = model.GetDeclaredSymbol(node, ct);
        return symbol is not null && symbol.Locations.Any(l => l.IsInSource && l.SourceSpan == identifier.Span) ? symbol : null;
    }

    // ---- a method's, property's or field's header changed: parameters, return type, async -----------------------

    private static IEnumerable<DeclarationChange> HeaderChanges(SyntaxNode oldRoot, SyntaxNode newRoot, SemanticModel oldModel, SemanticModel newModel, Hunk hunk, CancellationToken ct)
    {
        var oldMember = MemberWithHeaderAround(oldRoot, hunk.Old);
        var newMember = MemberWithHeaderAround(newRoot, hunk.New);
        if (oldMember is null || newMember is null || oldMember.RawKind != newMember.RawKind) yield break;

        if (oldMember is FieldDeclarationSyntax oldField && newMember is FieldDeclarationSyntax newField)
        {
            foreach (var (o, n) in oldField.Declaration.Variables.Zip(newField.Declaration.Variables))
            {
                if (oldModel.GetDeclaredSymbol(o, ct) is IFieldSymbol of && newModel.GetDeclaredSymbol(n, ct) is IFieldSymbol nf && of.Name == nf.Name && !SameType(of.Type, nf.Type))
                {
                    yield return new DeclarationChange(EditKind.TypeChanged, of, nf);
                }
            }
            yield break;
        }

        var oldSymbol = oldModel.GetDeclaredSymbol(oldMember, ct);
        var newSymbol = newModel.GetDeclaredSymbol(newMember, ct);
        if (oldSymbol is null || newSymbol is null || oldSymbol.Name != newSymbol.Name) yield break;

        if (oldSymbol is IPropertySymbol op && newSymbol is IPropertySymbol np)
        {
            if (!SameType(op.Type, np.Type)) yield return new DeclarationChange(EditKind.TypeChanged, op, np);
            yield break;
        }
        if (oldSymbol is not IMethodSymbol om || newSymbol is not IMethodSymbol nm) yield break;

        var oldNames = om.Parameters.Select(p => p.Name).ToList();
        var newNames = nm.Parameters.Select(p => p.Name).ToList();
        if (newNames.Count > oldNames.Count && IsSubsequence(oldNames, newNames, out var added))
        {
            yield return new DeclarationChange(EditKind.ParameterAdded, om, nm) { Indexes = added };
        }
        else if (newNames.Count < oldNames.Count && IsSubsequence(newNames, oldNames, out var removed))
        {
            yield return new DeclarationChange(EditKind.ParameterRemoved, om, nm) { Indexes = removed };
        }
        else if (newNames.Count == oldNames.Count && !newNames.SequenceEqual(oldNames) && newNames.Order().SequenceEqual(oldNames.Order()) && newNames.Distinct().Count() == newNames.Count)
        {
            yield return new DeclarationChange(EditKind.ParametersReordered, om, nm) { Indexes = newNames.Select(n => oldNames.IndexOf(n)).ToList() };
        }

        if (!SameType(om.ReturnType, nm.ReturnType))
        {
            var madeAsync = (nm.IsAsync && !om.IsAsync) || IsTaskOf(nm.ReturnType, om.ReturnType);
            yield return new DeclarationChange(madeAsync ? EditKind.MadeAsync : EditKind.TypeChanged, om, nm);
        }
    }

    /// <summary>The method, local function, property or field whose header (everything before the body) holds the start of the span.</summary>
    private static SyntaxNode? MemberWithHeaderAround(SyntaxNode root, TextSpan span)
    {
        var token = root.FindToken(Math.Min(span.Start, Math.Max(0, root.FullSpan.End - 1)));
        foreach (var node in token.Parent?.AncestorsAndSelf() ?? [])
        {
            SyntaxNode? body = node switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax f => (SyntaxNode?)f.Body ?? f.ExpressionBody,
                PropertyDeclarationSyntax p => (SyntaxNode?)p.AccessorList ?? p.ExpressionBody,
                FieldDeclarationSyntax f => f.Declaration.Variables.FirstOrDefault(),
                _ => null,
            };
            var isMember = node is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or PropertyDeclarationSyntax or FieldDeclarationSyntax;
            if (!isMember) continue;
            var headerStart = node is MemberDeclarationSyntax member ? HeaderStart(member) : node.SpanStart;
            var headerEnd = body?.SpanStart ?? node.Span.End;
            // The change starts in the header; it may go on into the body (one paste that changes both).
            return span.Start >= headerStart && span.Start <= headerEnd && span.End <= node.Span.End ? node : null;
        }
        return null;
    }

    private static int HeaderStart(MemberDeclarationSyntax member) =>
        member.Modifiers.Count > 0 ? member.Modifiers[0].SpanStart : member.AttributeLists.Count > 0 ? member.AttributeLists[^1].Span.End : member.SpanStart;

    private static bool IsSubsequence(List<string> shorter, List<string> longer, out List<int> extra)
    {
        extra = [];
        var i = 0;
        for (var j = 0; j < longer.Count; j++)
        {
            if (i < shorter.Count && shorter[i] == longer[j]) i++;
            else extra.Add(j);
        }
        return i == shorter.Count;
    }

    private static bool SameType(ITypeSymbol a, ITypeSymbol b) =>
        a.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == b.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

    /// <summary>True for <c>Task</c>/<c>ValueTask</c> from <c>void</c>, or <c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> from <c>T</c>.</summary>
    private static bool IsTaskOf(ITypeSymbol task, ITypeSymbol result)
    {
        if (task is not INamedTypeSymbol named || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks") return false;
        if (named.Name is not ("Task" or "ValueTask")) return false;
        if (named.TypeArguments.Length == 0) return result.SpecialType == SpecialType.System_Void;
        return named.TypeArguments.Length == 1 && SameType(named.TypeArguments[0], result);
    }

    // ---- a member added to an interface, an abstract member, an enum member -------------------------------------

    private static IEnumerable<DeclarationChange> MembersAdded(SyntaxNode oldRoot, SyntaxNode newRoot, SemanticModel oldModel, SemanticModel newModel, Hunk hunk, CancellationToken ct)
    {
        // The hunk must lie between members of the type before (not inside one): a whole member was typed.
        if (InnermostStrictly<MemberDeclarationSyntax>(oldRoot, hunk.Old) is not BaseTypeDeclarationSyntax oldType) yield break;
        if (InnermostStrictly<BaseTypeDeclarationSyntax>(newRoot, hunk.New) is not { } newType || newType.RawKind != oldType.RawKind) yield break;
        if (oldModel.GetDeclaredSymbol(oldType, ct) is not INamedTypeSymbol oldSymbol || newModel.GetDeclaredSymbol(newType, ct) is not INamedTypeSymbol newSymbol) yield break;
        if (oldSymbol.Name != newSymbol.Name) yield break;

        var known = oldSymbol.GetMembers().Select(Signature).ToHashSet(StringComparer.Ordinal);
        foreach (var member in newSymbol.GetMembers())
        {
            if (member.IsImplicitlyDeclared || known.Contains(Signature(member))) continue;
            if (!member.Locations.Any(l => l.IsInSource && hunk.New.Contains(l.SourceSpan))) continue;
            if (newSymbol.TypeKind == TypeKind.Enum && member is IFieldSymbol)
            {
                yield return new DeclarationChange(EditKind.EnumMemberAdded, oldSymbol, member);
            }
            else if (member.IsAbstract && !member.IsStatic && member is IMethodSymbol { MethodKind: MethodKind.Ordinary } or IPropertySymbol or IEventSymbol)
            {
                yield return new DeclarationChange(EditKind.AbstractMemberAdded, oldSymbol, member);
            }
        }
    }

    private static SyntaxNode? InnermostStrictly<T>(SyntaxNode root, TextSpan span) where T : SyntaxNode
    {
        var token = root.FindToken(Math.Min(span.Start, Math.Max(0, root.FullSpan.End - 1)));
        return token.Parent?.AncestorsAndSelf().OfType<T>().FirstOrDefault(n => n.Span.Start < span.Start && span.End < n.Span.End);
    }

    private static string Signature(ISymbol member) => member.Kind + " " + member.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private sealed class ChangeKeyComparer : IEqualityComparer<(EditKind Kind, ISymbol Before, ISymbol After)>
    {
        public bool Equals((EditKind Kind, ISymbol Before, ISymbol After) x, (EditKind Kind, ISymbol Before, ISymbol After) y) =>
            x.Kind == y.Kind && SymbolEqualityComparer.Default.Equals(x.Before, y.Before) && SymbolEqualityComparer.Default.Equals(x.After, y.After);

        public int GetHashCode((EditKind Kind, ISymbol Before, ISymbol After) obj) =>
            HashCode.Combine(obj.Kind, SymbolEqualityComparer.Default.GetHashCode(obj.Before), SymbolEqualityComparer.Default.GetHashCode(obj.After));
    }
}
