using System.Text.Json;
using CodeLsp.Features.NextEdits;
using CodeLsp.Protocol;
using CodeLsp.Server.Handlers.CodeAction;
using CodeLsp.Server.Handlers.NextEdits;
using CodeLsp.Server.Hosting;
using Microsoft.CodeAnalysis.Text;
using StreamJsonRpc;

namespace CodeLsp.Server.Handlers.Workspace;

/// <summary>
/// workspace/executeCommand: the accept command of inline suggestions (statistics and prefetch); next edits'
/// accepted/dismissed (statistics); and writing a next edit with the model at a site (applied with workspace/applyEdit
/// only once it passed the compile check, else the user is told why and nothing changes); and the AI actions' run command.
/// </summary>
internal sealed class ExecuteCommandHandler(ServerState server) : IRequestHandler<ExecuteCommandParams, object?>
{
    public async Task<object?> HandleAsync(ExecuteCommandParams request, RequestContext context, CancellationToken cancellationToken)
    {
        switch (request.Command)
        {
            case Features.Assistant.AcceptedCommand:
                if (request.Arguments is [{ ValueKind: JsonValueKind.String } id, ..]) server.Assistant.SuggestionAccepted(id.GetString()!);
                return null;
            case NextEditCommands.Accepted or NextEditCommands.Dismissed:
                if (request.Arguments is [{ ValueKind: JsonValueKind.String } edit, ..])
                {
                    server.Assistant.NextEditFeedback(edit.GetString()!, request.Command == NextEditCommands.Accepted ? NextEditOutcome.Accepted : NextEditOutcome.Dismissed);
                }
                return null;
            case NextEditCommands.Generate:
                return await GenerateAsync(request, context, cancellationToken).ConfigureAwait(false);
            case Features.Actions.AiActionNames.RunCommand:
                return await new AiRunCommand(server).RunAsync(request.Arguments, cancellationToken).ConfigureAwait(false);
            default:
                throw new LocalRpcException($"Unknown command '{request.Command}'") { ErrorCode = LspErrorCodes.InvalidParams };
        }
    }

    private async Task<object?> GenerateAsync(ExecuteCommandParams request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Arguments is not [{ ValueKind: JsonValueKind.String } uriArgument, { ValueKind: JsonValueKind.Number } versionArgument,
                { ValueKind: JsonValueKind.Number } lineArgument, { ValueKind: JsonValueKind.Number } characterArgument, ..])
        {
            throw new LocalRpcException($"{NextEditCommands.Generate} takes uri, version, line, character") { ErrorCode = LspErrorCodes.InvalidParams };
        }
        var uri = new Uri(uriArgument.GetString()!);
        var at = new LinePosition(lineArgument.GetInt32(), characterArgument.GetInt32());
        var edits = await server.Assistant.NextEditsAsync(uri, versionArgument.GetInt32(), at, cancellationToken).ConfigureAwait(false);
        var path = CodeLsp.Workspace.WorkspaceHost.PathOf(uri);
        var edit = edits?.FirstOrDefault(e => e.Source == NextEditSource.Model && e.FilePath == path && e.Range.Start.Line == at.Line);
        if (server.Client is not { } client) return null;
        if (edit is null)
        {
            await client.NotifyWithParameterObjectAsync(Methods.WindowShowMessage, new ShowMessageParams
            {
                Type = MessageType.Info,
                Message = edits is null
                    ? "The document changed since the fix was offered; nothing was changed."
                    : "CodeLsp could not write this edit: no model is loaded, or what the model wrote did not compile. Nothing was changed.",
            }).ConfigureAwait(false);
            return null;
        }
        var result = await client.InvokeWithParameterObjectAsync<ApplyWorkspaceEditResult>(Methods.WorkspaceApplyEdit,
            new ApplyWorkspaceEditParams { Label = edit.Title, Edit = NextEditConversions.ToWorkspaceEdit([edit], context) }, cancellationToken).ConfigureAwait(false);
        if (result?.Applied == true) server.Assistant.NextEditFeedback(edit.Id, NextEditOutcome.Accepted);
        return null;
    }
}
