using System.Text.Json;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.Lifecycle;

/// <summary>exit: ends the server with 0 after shutdown, 1 otherwise (as the spec asks).</summary>
internal sealed class ExitHandler(ServerState server) : INotificationHandler<JsonElement?>
{
    public Task HandleAsync(JsonElement? notification, RequestContext context, CancellationToken cancellationToken)
    {
        var code = server.Lifecycle.ShutdownRequested ? 0 : 1;
        server.Logger.Information("exit (code {ExitCode})", code);
        server.RequestExit(code);
        return Task.CompletedTask;
    }
}
