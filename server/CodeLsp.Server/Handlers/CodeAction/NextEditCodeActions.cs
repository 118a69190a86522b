using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Handlers.NextEdits;
using CodeLsp.Server.Hosting;
using CodeLsp.Workspace;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>
/// Next edits as quick fixes at their sites, for any LSP client: a compiler-decided edit is carried directly (with
/// the accepted command for statistics); a site that needs the model gets a command that runs it
/// (<see cref="NextEditCommands.Generate"/>), never the model here.
/// </summary>
internal sealed class NextEditCodeActions(ServerState server) : ICodeActionProvider
{
    public async Task<IReadOnlyList<Protocol.CodeAction>> ProvideAsync(CodeActionParams request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Context.Only is { } only && !only.Any(k => k == CodeActionKinds.QuickFix || CodeActionKinds.QuickFix.StartsWith(k + ".", StringComparison.Ordinal))) return [];
        var document = context.GetDocument(request.TextDocument.Uri);
        if (document is null || !document.IsCSharp) return [];
        var path = WorkspaceHost.PathOf(document.Uri);
        var range = ProtocolConversions.ToLinePositionSpan(request.Range);
        bool Touches(Microsoft.CodeAnalysis.Text.LinePositionSpan span) => span.Start.Line <= range.End.Line && range.Start.Line <= span.End.Line;

        var actions = new List<Protocol.CodeAction>();
        var edits = await server.Assistant.NextEditFixesAsync(document.Uri, document.Version, cancellationToken).ConfigureAwait(false);
        foreach (var edit in edits ?? [])
        {
            if (edit.FilePath != path || !(Touches(edit.Range) || edit.DiagnosticRange is { } d && Touches(d))) continue;
            actions.Add(new Protocol.CodeAction
            {
                Title = edit.Title,
                Kind = CodeActionKinds.QuickFix,
                IsPreferred = true,
                Edit = NextEditConversions.ToWorkspaceEdit([edit], context),
                Command = new Command { Title = edit.Title, CommandIdentifier = NextEditCommands.Accepted, Arguments = [JsonSerializer.SerializeToElement(edit.Id)] },
            });
        }
        foreach (var site in server.Assistant.NextEditModelSites(document.Uri, document.Version))
        {
            if (site.FilePath != path || !site.Document.TryGetText(out var text)) continue;
            var at = text.Lines.GetLinePosition(site.Offset);
            if (!Touches(new Microsoft.CodeAnalysis.Text.LinePositionSpan(at, at))) continue;
            actions.Add(new Protocol.CodeAction
            {
                Title = site.Title + " (write with the model)",
                Kind = CodeActionKinds.QuickFix,
                Command = new Command
                {
                    Title = site.Title,
                    CommandIdentifier = NextEditCommands.Generate,
                    Arguments = [JsonSerializer.SerializeToElement(document.Uri.ToString()), JsonSerializer.SerializeToElement(document.Version),
                        JsonSerializer.SerializeToElement(at.Line), JsonSerializer.SerializeToElement(at.Character)],
                },
            });
        }
        return actions;
    }
}

/// <summary>The workspace/executeCommand commands of next edits.</summary>
internal static class NextEditCommands
{
    /// <summary>Argument: the edit's id. Counts an accepted next edit.</summary>
    public const string Accepted = "codelsp.nextEditAccepted";

    /// <summary>Argument: the edit's id. Counts a dismissed next edit.</summary>
    public const string Dismissed = "codelsp.nextEditDismissed";

    /// <summary>Arguments: uri, version, line, character of a model site: runs the model there and applies the checked edit with workspace/applyEdit.</summary>
    public const string Generate = "codelsp.nextEdits.generate";

    public static readonly IReadOnlyList<string> All = [Accepted, Dismissed, Generate];
}
