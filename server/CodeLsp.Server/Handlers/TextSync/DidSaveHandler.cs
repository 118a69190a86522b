using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.TextSync;

/// <summary>textDocument/didSave: nothing to update (the text already arrived through didChange); logged for diagnosis.</summary>
internal sealed class DidSaveHandler(ServerState server) : INotificationHandler<DidSaveTextDocumentParams>
{
    public Task HandleAsync(DidSaveTextDocumentParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        server.Logger.Debug("Saved {Uri}", notification.TextDocument.Uri);
        return Task.CompletedTask;
    }
}
