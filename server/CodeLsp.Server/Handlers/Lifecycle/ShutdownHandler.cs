using System.Text.Json;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.Lifecycle;

/// <summary>shutdown: answers null; the lifecycle gate already refuses later requests. Exit then ends the process with 0.</summary>
internal sealed class ShutdownHandler(ServerState server) : IRequestHandler<JsonElement?, object?>
{
    public Task<object?> HandleAsync(JsonElement? request, RequestContext context, CancellationToken cancellationToken)
    {
        server.Logger.Information("shutdown requested");
        return Task.FromResult<object?>(null);
    }
}
