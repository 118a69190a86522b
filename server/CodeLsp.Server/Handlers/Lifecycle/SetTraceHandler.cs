using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.Lifecycle;

/// <summary>$/setTrace: noted in the log only; the server's own log level comes from settings and the command line.</summary>
internal sealed class SetTraceHandler(ServerState server) : INotificationHandler<SetTraceParams>
{
    public Task HandleAsync(SetTraceParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        server.Logger.Debug("$/setTrace {Value}", notification.Value);
        return Task.CompletedTask;
    }
}
