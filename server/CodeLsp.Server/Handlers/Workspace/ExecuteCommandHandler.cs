using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using StreamJsonRpc;

namespace CodeLsp.Server.Handlers.Workspace;

/// <summary>workspace/executeCommand: the accept command of inline suggestions (statistics and prefetch).</summary>
internal sealed class ExecuteCommandHandler(ServerState server) : IRequestHandler<ExecuteCommandParams, object?>
{
    public Task<object?> HandleAsync(ExecuteCommandParams request, RequestContext context, CancellationToken cancellationToken)
    {
        if (request.Command != Features.Assistant.AcceptedCommand)
        {
            throw new LocalRpcException($"Unknown command '{request.Command}'") { ErrorCode = LspErrorCodes.InvalidParams };
        }
        if (request.Arguments is [{ ValueKind: JsonValueKind.String } id, ..])
        {
            server.Assistant.SuggestionAccepted(id.GetString()!);
        }
        return Task.FromResult<object?>(null);
    }
}
