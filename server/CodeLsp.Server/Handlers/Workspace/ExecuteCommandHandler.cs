using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using StreamJsonRpc;

namespace CodeLsp.Server.Handlers.Workspace;

/// <summary>workspace/executeCommand: the accept command of inline suggestions (statistics and prefetch), and the AI actions' run command.</summary>
internal sealed class ExecuteCommandHandler(ServerState server) : IRequestHandler<ExecuteCommandParams, object?>
{
    public async Task<object?> HandleAsync(ExecuteCommandParams request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Command == Features.Actions.AiActionNames.RunCommand)
        {
            return await new CodeAction.AiRunCommand(server).RunAsync(request.Arguments, cancellationToken).ConfigureAwait(false);
        }

        if (request.Command != Features.Assistant.AcceptedCommand)
        {
            throw new LocalRpcException($"Unknown command '{request.Command}'") { ErrorCode = LspErrorCodes.InvalidParams };
        }
        if (request.Arguments is [{ ValueKind: JsonValueKind.String } id, ..])
        {
            server.Assistant.SuggestionAccepted(id.GetString()!);
        }
        return null;
    }
}
