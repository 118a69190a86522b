using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.TextSync;

/// <summary>textDocument/didClose: forgets the document.</summary>
internal sealed class DidCloseHandler(ServerState server) : INotificationHandler<DidCloseTextDocumentParams>
{
    public Task HandleAsync(DidCloseTextDocumentParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        if (!server.Documents.Close(notification.TextDocument.Uri))
        {
            server.Logger.Debug("didClose for {Uri}, which was not open", notification.TextDocument.Uri);
        }
        server.Assistant.DocumentClosed(notification.TextDocument.Uri);
        return Task.CompletedTask;
    }
}
