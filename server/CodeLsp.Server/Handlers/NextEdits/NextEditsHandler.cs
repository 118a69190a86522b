using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.NextEdits;

/// <summary>
/// codelsp/nextEdits: the follow-up edits after the document's last edit, nearest to the position first, each
/// compile-checked. A version other than the open document's current one gets an empty list (the edits would not fit).
/// </summary>
internal sealed class NextEditsHandler(ServerState server) : IRequestHandler<NextEditsParams, NextEditsResult>
{
    private static readonly NextEditsResult Empty = new();

    public async Task<NextEditsResult> HandleAsync(NextEditsParams request, RequestContext context, CancellationToken cancellationToken)
    {
        var document = context.GetDocument(request.TextDocument.Uri);
        if (document is null || !document.IsCSharp || document.Version != request.TextDocument.Version)
        {
            server.Logger.Debug("nextEdits for {Uri} v{Version}: not open, not C# or stale (current v{Current}): empty",
                request.TextDocument.Uri, request.TextDocument.Version, document?.Version);
            return Empty;
        }
        var edits = await server.Assistant
            .NextEditsAsync(document.Uri, document.Version, ProtocolConversions.ToLinePosition(request.Position), cancellationToken)
            .ConfigureAwait(false);
        if (edits is null) return Empty;
        return new NextEditsResult { Edits = edits.Select(e => NextEditConversions.ToItem(e, context)).ToList() };
    }
}
