using System.Text.Json;
using CodeLsp.Features.Actions;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>
/// The assistant's code actions (AI actions, from the Features-level providers) as LSP code actions. Never runs the
/// model: an AI action carries the <c>codelsp.ai.run</c> command. <c>tags</c> (LLMGenerated) only where the client supports
/// them, <c>disabled</c> only where it supports that (elsewhere a disabled action is left out).
/// </summary>
internal sealed class AiCodeActions(ServerState server) : ICodeActionProvider
{
    public async Task<IReadOnlyList<Protocol.CodeAction>> ProvideAsync(CodeActionParams request, RequestContext context, CancellationToken cancellationToken)
    {
        if (context.GetDocument(request.TextDocument.Uri) is not { } document) return [];
        var query = new CodeActionQuery(document, ProtocolConversions.ToLinePositionSpan(request.Range), request.Context.TriggerKind == 2)
        {
            Only = request.Context.Only,
        };
        var offers = await server.Assistant.GetCodeActionsAsync(query, cancellationToken).ConfigureAwait(false);
        var support = ClientActionSupport.From(server.ClientCapabilities);
        var actions = new List<Protocol.CodeAction>();
        foreach (var offer in offers)
        {
            if (offer.DisabledReason is not null && !support.Disabled) continue;
            actions.Add(new Protocol.CodeAction
            {
                Title = offer.Title,
                Kind = offer.Kind,
                Diagnostics = offer.Diagnostics.Count == 0 ? null : offer.Diagnostics.Select(ToDiagnostic).ToList(),
                Disabled = offer.DisabledReason is { } reason ? new CodeActionDisabled { Reason = reason } : null,
                Tags = offer.IsAi && support.LlmTag ? [CodeActionTags.LlmGenerated] : null,
                Command = offer.Arguments is { } arguments
                    ? new Command
                    {
                        Title = offer.Title,
                        CommandIdentifier = AiActionNames.RunCommand,
                        Arguments = [JsonSerializer.SerializeToElement(AiRunArguments.From(arguments), LspJson.Options)],
                    }
                    : null,
                Edit = offer.Edits is { } edits ? AiRunCommand.ToWorkspaceEdit(edits, null) : null,
            });
        }

        return actions;
    }

    private static Diagnostic ToDiagnostic(OfferedDiagnostic d) => new()
    {
        Range = ProtocolConversions.ToRange(d.Range),
        Severity = d.IsError ? 1 : 2,
        Code = JsonSerializer.SerializeToElement(d.Id),
        Source = "codelsp",
        Message = d.Message,
    };
}
