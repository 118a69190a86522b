using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using static CodeLsp.Workspace.Context.ContextItemList;
using static CodeLsp.Workspace.Context.ContextLimits;

namespace CodeLsp.Workspace.Context.Collectors;

/// <summary>The file's usings and namespace, when they are above the visible window.</summary>
internal static class UsingsCollector
{

    public static void AddUsings(ContextSite site, ContextItemList items)
    {
        var root = site.Root;
        var usings = root.Usings.Select(u => u.ToString().Trim()).ToList();
        var ns = root.Members.OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault();
        var firstSpan = root.Usings.Count > 0 ? root.Usings[0].Span : ns?.Span;
        if (firstSpan is null || site.Visible.Contains(firstSpan.Value.Start)) return;
        if (ns is not null) usings.Add($"namespace {ns.Name};");
        items.Add(new ContextItem(ContextItemKinds.Usings, string.Join("\n", usings), site.Document.FilePath, firstSpan,
            "the file's usings and namespace are above the visible window", ContextScores.Usings, false));
    }
}
