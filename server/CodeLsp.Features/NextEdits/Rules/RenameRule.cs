using Microsoft.CodeAnalysis;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>A declaration's name typed over: every reference of the old symbol gets the new name (compiler-decided).</summary>
internal sealed class RenameRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind == EditKind.Renamed;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        var oldName = change.Before.Name;
        var newName = change.After.Name;
        var sites = await context.ReferenceSitesAsync(change.Before, ct).ConfigureAwait(false);
        var found = new List<(Site Site, Diagnostic? Diagnostic, Microsoft.CodeAnalysis.Text.TextSpan Scope)>();
        foreach (var site in sites)
        {
            var text = await site.Document.GetTextAsync(ct).ConfigureAwait(false);
            if (text.ToString(site.Span) != oldName) continue; // e.g. an attribute's short name: not a plain identifier
            var root = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var diagnostics = await context.NewDiagnosticsAtAsync(site.Document, site.Span, ct).ConfigureAwait(false);
            found.Add((site, diagnostics.FirstOrDefault(), NextEditSyntax.ScopeOf(root!, site.Span)));
        }
        var more = found.Count - 1;
        var title = more > 0
            ? $"Rename `{oldName}` → `{newName}` here and at {more} more site{(more == 1 ? "" : "s")}"
            : $"Rename `{oldName}` → `{newName}` here";
        foreach (var (site, diagnostic, scope) in found)
        {
            context.Propose(new ProposedEdit(site.Document, site.Span, newName, title,
                $"{Describe(change.Before)} `{oldName}` was renamed to `{newName}`", NextEditSource.Compiler, diagnostic, scope));
        }
    }

    private static string Describe(ISymbol symbol) => symbol switch
    {
        IParameterSymbol => "parameter",
        ILocalSymbol => "local",
        IFieldSymbol => "field",
        IPropertySymbol => "property",
        IMethodSymbol => "method",
        ITypeSymbol => "type",
        _ => symbol.Kind.ToString().ToLowerInvariant(),
    };
}
