using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.TextSync;

/// <summary>textDocument/didOpen: the document's text becomes the server's copy.</summary>
internal sealed class DidOpenHandler(ServerState server) : INotificationHandler<DidOpenTextDocumentParams>
{
    public Task HandleAsync(DidOpenTextDocumentParams notification, RequestContext context, CancellationToken cancellationToken)
    {
        var item = notification.TextDocument;
        var state = server.Documents.Open(item.Uri, item.LanguageId, item.Version, item.Text);
        server.Logger.Debug("Opened {Uri} v{Version} ({LanguageId}, {Length} chars, C#: {IsCSharp})",
            item.Uri, item.Version, item.LanguageId, state.Text.Length, state.IsCSharp);
        // A document too big to complete in is not prepared for completions either.
        if (state.Text.Length <= InlineCompletion.InlineCompletionHandler.MaxDocumentChars) server.Assistant.DocumentOpened(state);
        return Task.CompletedTask;
    }
}
