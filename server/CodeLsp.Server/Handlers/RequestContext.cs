using System.Collections.Immutable;
using CodeLsp.Workspace.Documents;

namespace CodeLsp.Server.Handlers;

/// <summary>
/// What a handler sees: the open documents as they were when the queue started it (after every earlier mutation).
/// Immutable, so later edits never show through.
/// </summary>
internal sealed record RequestContext(string Method, ImmutableDictionary<Uri, TextDocumentState> Documents)
{
    public TextDocumentState? GetDocument(Uri uri) => Documents.GetValueOrDefault(uri);
}
