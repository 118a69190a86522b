using System.Collections.Concurrent;
using CodeLsp.Features;
using CodeLsp.Features.Completion;
using CodeLsp.Workspace.Documents;

namespace CodeLsp.Server.Benchmarks.Load;

/// <summary>
/// The real assistant with one addition for the load benchmark: it keeps the last text the server handed it for each
/// document (what <see cref="IAssistant.DocumentChanged"/> received), so a run can compare the server's copy with an
/// independent replay of the edits. Everything else is forwarded unchanged.
/// </summary>
internal sealed class RecordingAssistant(IAssistant inner) : IAssistant
{
    public ConcurrentDictionary<Uri, string> LastText { get; } = new();

    public ModelStatus Status => inner.Status;

    public event Action<ModelStatus>? StatusChanged
    {
        add => inner.StatusChanged += value;
        remove => inner.StatusChanged -= value;
    }

    public event Action<string>? Notice
    {
        add => inner.Notice += value;
        remove => inner.Notice -= value;
    }

    public event Action<WorkspaceLoadUpdate>? WorkspaceProgress
    {
        add => inner.WorkspaceProgress += value;
        remove => inner.WorkspaceProgress -= value;
    }

    public void ApplySettings(AssistantSettings settings) => inner.ApplySettings(settings);

    public Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken) =>
        inner.CompleteAsync(query, cancellationToken);

    public void SuggestionAccepted(string suggestionId) => inner.SuggestionAccepted(suggestionId);

    public void DocumentChanged(TextDocumentState document)
    {
        LastText[document.Uri] = document.Text.ToString();
        inner.DocumentChanged(document);
    }

    public void DocumentOpened(TextDocumentState document) => inner.DocumentOpened(document);

    public void DocumentClosed(Uri uri) => inner.DocumentClosed(uri);

    public void OpenWorkspace(string folder, bool trusted) => inner.OpenWorkspace(folder, trusted);

    public void FileChangedOnDisk(Uri uri) => inner.FileChangedOnDisk(uri);

    public void FileDeleted(Uri uri) => inner.FileDeleted(uri);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
