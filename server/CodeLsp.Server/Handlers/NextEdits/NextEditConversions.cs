using CodeLsp.Features.NextEdits;
using CodeLsp.Protocol;
using CodeLsp.Workspace;

namespace CodeLsp.Server.Handlers.NextEdits;

/// <summary>Next edits (file paths, line spans) as LSP items and workspace edits (URIs at the open documents' versions).</summary>
internal static class NextEditConversions
{
    public static OptionalVersionedTextDocumentIdentifier DocumentOf(string filePath, RequestContext context)
    {
        foreach (var (uri, document) in context.Documents)
        {
            if (WorkspaceHost.PathOf(uri) == filePath) return new OptionalVersionedTextDocumentIdentifier { Uri = uri, Version = document.Version };
        }
        return new OptionalVersionedTextDocumentIdentifier { Uri = new Uri(filePath), Version = null };
    }

    public static NextEditItem ToItem(NextEdit edit, RequestContext context) => new()
    {
        TextDocument = DocumentOf(edit.FilePath, context),
        Range = ProtocolConversions.ToRange(edit.Range),
        NewText = edit.NewText,
        Reason = edit.Reason,
        Source = edit.Source == NextEditSource.Model ? "model" : "compiler",
        Id = edit.Id,
        Title = edit.Title,
        Diagnostic = edit.Diagnostic,
    };

    public static WorkspaceEdit ToWorkspaceEdit(IEnumerable<NextEdit> edits, RequestContext context) => new()
    {
        DocumentChanges = edits
            .GroupBy(e => e.FilePath)
            .Select(g => new TextDocumentEdit
            {
                TextDocument = DocumentOf(g.Key, context),
                Edits = g.Select(e => new TextEdit { Range = ProtocolConversions.ToRange(e.Range), NewText = e.NewText }).ToList(),
            })
            .ToList(),
    };
}
