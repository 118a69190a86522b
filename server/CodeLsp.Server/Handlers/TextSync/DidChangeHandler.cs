using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Workspace.Documents;

namespace CodeLsp.Server.Handlers.TextSync;

/// <summary>textDocument/didChange: applies the changes in order (incremental or full) to the open document.</summary>
internal sealed class DidChangeHandler(ServerState server) : INotificationHandler<DidChangeTextDocumentParams>
{
    public Task HandleAsync(DidChangeTextDocumentParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        var uri = notification.TextDocument.Uri;
        var edits = notification.ContentChanges.Select(ProtocolConversions.ToDocumentEdit).ToArray();
        try
        {
            var state = server.Documents.Change(uri, notification.TextDocument.Version, edits);
            server.Logger.Verbose("Changed {Uri} to v{Version} ({Count} change(s))", uri, state.Version, edits.Length);
            server.Assistant.DocumentChanged(state);
        }
        catch (DocumentNotOpenException)
        {
            server.Logger.Warning("didChange for {Uri}, which is not open: ignored", uri);
        }
        return Task.CompletedTask;
    }
}
