using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits.Rules;

/// <summary>
/// Parameters added, removed or reordered: every call of the method gets its argument list updated. A new argument
/// is a local, parameter, field or property in scope at the call whose name matches the parameter's (ignoring case
/// and a leading underscore) and whose type converts; where none matches, the site is left to the model.
/// </summary>
internal sealed class ArgumentListRule : INextEditRule
{
    public bool Handles(EditKind kind) => kind is EditKind.ParameterAdded or EditKind.ParameterRemoved or EditKind.ParametersReordered;

    public async Task ProposeAsync(NextEditContext context, DeclarationChange change, CancellationToken ct)
    {
        var before = (IMethodSymbol)change.Before;
        var after = (IMethodSymbol)change.After;
        foreach (var site in await context.ReferenceSitesAsync(before, ct).ConfigureAwait(false))
        {
            var root = await site.Document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null) continue;
            if (NextEditSyntax.CallAt(root, site.Span) is not { } call)
            {
                context.Explain(site.Document, site.Span, null, $"`{before.Name}` is referenced here but not called (a method group or nameof): no argument list to update");
                continue;
            }
            var diagnostics = await context.NewDiagnosticsAtAsync(site.Document, call.Call.Span, ct).ConfigureAwait(false);
            var diagnostic = diagnostics.FirstOrDefault();
            var arguments = call.Arguments.Arguments;
            if (arguments.Any(a => a.NameColon is not null) || arguments.Count != before.Parameters.Length)
            {
                context.Explain(site.Document, call.Call.Span, diagnostic?.Id, "named or omitted optional arguments: the new argument list is not decided by position");
                continue;
            }
            var texts = arguments.Select(a => a.ToString()).ToList();
            var scope = NextEditSyntax.ScopeOf(root, call.Call.Span);
            string title;
            string reason;
            switch (change.Kind)
            {
                case EditKind.ParameterAdded:
                {
                    var model = await site.Document.GetSemanticModelAsync(ct).ConfigureAwait(false);
                    var missing = new List<IParameterSymbol>();
                    var added = new List<IParameterSymbol>();
                    var shifted = false;
                    foreach (var index in change.Indexes)
                    {
                        var parameter = after.Parameters[index];
                        if (parameter.HasExplicitDefaultValue || parameter.IsParams)
                        {
                            // Optional at the end: calls stay valid. In the middle it would take the next argument's place.
                            shifted |= index < texts.Count;
                            continue;
                        }
                        added.Add(parameter);
                        var value = MatchingValue(model!, call.Arguments.SpanStart, parameter);
                        if (value is null) missing.Add(parameter);
                        texts.Insert(Math.Min(index, texts.Count), value ?? "");
                    }
                    if (shifted)
                    {
                        context.Explain(site.Document, call.Call.Span, diagnostic?.Id, "an optional parameter was inserted before existing ones: which arguments move is not decided by the compiler");
                        continue;
                    }
                    if (added.Count == 0) continue;
                    title = $"Update call: add argument{(added.Count > 1 ? "s" : "")} {string.Join(", ", added.Select(p => $"`{p.Name}`"))}";
                    reason = $"`{after.Name}` has {(added.Count > 1 ? "new parameters" : "a new parameter")} {string.Join(", ", added.Select(p => $"`{p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {p.Name}`"))}";
                    if (missing.Count > 0)
                    {
                        if (missing.Count == 1 && added.Count == 1)
                        {
                            context.ModelSites.Add(ModelArgument(site.Document, call.Arguments, change.Indexes[0], missing[0], title, reason, diagnostic, scope));
                        }
                        else
                        {
                            context.Explain(site.Document, call.Call.Span, diagnostic?.Id, "several new arguments have no matching value in scope");
                        }
                        continue;
                    }
                    break;
                }
                case EditKind.ParameterRemoved:
                    foreach (var index in change.Indexes.OrderDescending()) texts.RemoveAt(index);
                    title = $"Update call: remove argument{(change.Indexes.Count > 1 ? "s" : "")} {string.Join(", ", change.Indexes.Select(i => $"`{arguments[i]}`"))}";
                    reason = $"`{after.Name}` no longer has {string.Join(", ", change.Indexes.Select(i => $"`{before.Parameters[i].Name}`"))}";
                    break;
                default:
                    texts = change.Indexes.Select(i => texts[i]).ToList();
                    title = "Update call: reorder arguments";
                    reason = $"`{after.Name}`'s parameters are now ({string.Join(", ", after.Parameters.Select(p => p.Name))})";
                    break;
            }
            var newList = "(" + string.Join(", ", texts) + ")";
            var (span, newText) = await MinimalEdit.TrimAsync(site.Document, call.Arguments.Span, newList, ct).ConfigureAwait(false);
            context.Propose(new ProposedEdit(site.Document, span, newText, title, reason, NextEditSource.Compiler, diagnostic, scope));
        }
    }

    /// <summary>A value in scope for the parameter: same name (ignoring case and a leading underscore), a type that converts implicitly.</summary>
    internal static string? MatchingValue(SemanticModel model, int position, IParameterSymbol parameter)
    {
        var wanted = Normalize(parameter.Name);
        foreach (var symbol in model.LookupSymbols(position))
        {
            var type = symbol switch
            {
                ILocalSymbol l => l.Type,
                IParameterSymbol p => p.Type,
                IFieldSymbol f => f.Type,
                IPropertySymbol p when !p.IsIndexer => p.Type,
                _ => null,
            };
            if (type is null || Normalize(symbol.Name) != wanted) continue;
            if (((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)model.Compilation).ClassifyConversion(type, parameter.Type).IsImplicit) return symbol.Name;
        }
        return null;
    }

    private static string Normalize(string name) => name.TrimStart('_').ToLowerInvariant();

    private static PendingModelEdit ModelArgument(Document document, ArgumentListSyntax list, int index, IParameterSymbol parameter, string title, string reason, Diagnostic? diagnostic, TextSpan scope)
    {
        var arguments = list.Arguments;
        // Insert after the previous argument (", " + value) or before the first (value + ", ").
        if (index == 0)
        {
            var at = arguments.Count > 0 ? arguments[0].SpanStart : list.OpenParenToken.Span.End;
            return new PendingModelEdit(document, at, "", arguments.Count > 0 ? ", " : "", parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), parameter.Name, title, reason, diagnostic, scope);
        }
        return new PendingModelEdit(document, arguments[index - 1].Span.End, ", ", "", parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), parameter.Name, title, reason, diagnostic, scope);
    }
}

/// <summary>Shrinks a replacement to the part that differs, so a client shows (and applies) only the real change.</summary>
internal static class MinimalEdit
{
    public static async Task<(TextSpan Span, string NewText)> TrimAsync(Document document, TextSpan span, string newText, CancellationToken ct)
    {
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        return Trim(text.ToString(span), span.Start, newText);
    }

    public static (TextSpan Span, string NewText) Trim(string oldText, int start, string newText)
    {
        int prefix = 0, max = Math.Min(oldText.Length, newText.Length);
        while (prefix < max && oldText[prefix] == newText[prefix]) prefix++;
        int suffix = 0, maxSuffix = max - prefix;
        while (suffix < maxSuffix && oldText[^(suffix + 1)] == newText[^(suffix + 1)]) suffix++;
        return (new TextSpan(start + prefix, oldText.Length - prefix - suffix), newText.Substring(prefix, newText.Length - prefix - suffix));
    }
}
