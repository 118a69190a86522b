using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.Workspace;

/// <summary>workspace/didChangeWatchedFiles: files changed on disk (a git checkout, a generator) reach the Roslyn workspace.</summary>
internal sealed class DidChangeWatchedFilesHandler(ServerState server) : INotificationHandler<DidChangeWatchedFilesParams>
{
    private const int Deleted = 3;

    public Task HandleAsync(DidChangeWatchedFilesParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        foreach (var change in notification.Changes)
        {
            if (change.Type == Deleted) server.Assistant.FileDeleted(change.Uri);
            else server.Assistant.FileChangedOnDisk(change.Uri);
        }
        return Task.CompletedTask;
    }
}
