using System.Text.Json;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.Lifecycle;

/// <summary>initialized: from now on the server may send requests (progress creation) to the client.</summary>
internal sealed class InitializedHandler(ServerState server) : INotificationHandler<JsonElement?>
{
    public Task HandleAsync(JsonElement? notification, RequestContext context, CancellationToken cancellationToken)
    {
        server.Logger.Debug("initialized");
        server.StatusReporter?.ClientIsReady();
        if (server.WorkspaceFolder is { } folder && Directory.Exists(folder))
        {
            server.Assistant.OpenWorkspace(folder, server.WorkspaceTrusted);
        }
        return Task.CompletedTask;
    }
}
