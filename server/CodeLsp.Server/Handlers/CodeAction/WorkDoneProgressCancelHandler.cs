using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>window/workDoneProgress/cancel: the user pressed Cancel on an AI action's progress; its model call stops within one decode step.</summary>
internal sealed class WorkDoneProgressCancelHandler(ServerState server) : INotificationHandler<WorkDoneProgressCancelParams>
{
    public Task HandleAsync(WorkDoneProgressCancelParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        if (server.RunningActions.TryGetValue(notification.Token.ToString()!, out var running))
        {
            server.Logger.Information("Progress {Token} cancelled by the client", notification.Token);
            running.Cancel();
        }

        return Task.CompletedTask;
    }
}
