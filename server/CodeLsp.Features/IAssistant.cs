using CodeLsp.Features.Completion;
using CodeLsp.Features.NextEdits;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features;

/// <summary>What the model is doing, for the server to turn into $/progress and window/showMessage.</summary>
public abstract record ModelStatus
{
    public sealed record NotConfigured : ModelStatus;
    public sealed record Loading(string Path, float Progress) : ModelStatus;
    /// <summary>For a remote engine, <see cref="Path"/> is its URL and <see cref="LoadTime"/> the probe's round trip.</summary>
    public sealed record Ready(string Path, string ModelName, TimeSpan LoadTime) : ModelStatus
    {
        /// <summary>Which engine kind answers (the <c>engine</c> setting).</summary>
        public string Engine { get; init; } = Inference.Engines.EngineKinds.Local;
    }
    /// <summary>Message says what is wrong with the file, in words a user can act on.</summary>
    public sealed record Failed(string Path, string Message) : ModelStatus;
    /// <summary>Unloaded after the idle interval (unloadAfterIdleMinutes) to free its memory; the next request reloads it.</summary>
    public sealed record Unloaded(string Path) : ModelStatus;
}

/// <summary>One step of loading a workspace folder's projects.</summary>
public sealed record WorkspaceLoadUpdate(string Folder, string Message, bool Done);

/// <summary>
/// The server's one entry point into everything below the protocol: settings, model lifetime, completions.
/// No LSP types cross this line.
/// </summary>
public interface IAssistant : IAsyncDisposable
{
    ModelStatus Status { get; }

    /// <summary>Raised on every status change (from a background thread).</summary>
    event Action<ModelStatus>? StatusChanged;

    /// <summary>Applies settings; never blocks on model loading (a changed model path starts a background load).</summary>
    void ApplySettings(AssistantSettings settings);

    /// <summary>Suggestions at the query's position; empty (quickly) while no model is ready.</summary>
    Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken);

    /// <summary>The user accepted the suggestion with this id (the item's command ran).</summary>
    void SuggestionAccepted(string suggestionId) { }

    /// <summary>A document was opened (its text is the server's copy now).</summary>
    void DocumentOpened(TextDocumentState document) { }

    /// <summary>An open document changed (after the edit was applied); partial acceptances are seen here.</summary>
    void DocumentChanged(TextDocumentState document) { }

    /// <summary>A document was closed: forget what belongs to it.</summary>
    void DocumentClosed(Uri uri) { }

    /// <summary>Loads the solution or projects under <paramref name="folder"/> in the background; untrusted folders are never evaluated by MSBuild.</summary>
    void OpenWorkspace(string folder, bool trusted) { }

    /// <summary>A file changed or was created on disk (workspace/didChangeWatchedFiles).</summary>
    void FileChangedOnDisk(Uri uri) { }

    /// <summary>A file was deleted on disk.</summary>
    void FileDeleted(Uri uri) { }

    /// <summary>
    /// Next edits after the document's last edit, nearest to <paramref name="position"/> first; sites that need the model
    /// get it here. Null when <paramref name="version"/> is not the document's current version.
    /// </summary>
    Task<IReadOnlyList<NextEdit>?> NextEditsAsync(Uri uri, int version, LinePosition position, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NextEdit>?>([]);

    /// <summary>The compiler-decided next edits only (the model never runs): what quick fixes carry. Null when the version is stale.</summary>
    Task<IReadOnlyList<NextEdit>?> NextEditFixesAsync(Uri uri, int version, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NextEdit>?>([]);

    /// <summary>Sites of the current analysis whose edit needs the model (a quick fix offers a command for them).</summary>
    IReadOnlyList<PendingModelEdit> NextEditModelSites(Uri uri, int version) => [];

    /// <summary>The user accepted or dismissed the next edit with this id (local statistics).</summary>
    void NextEditFeedback(string id, NextEditOutcome outcome) { }

    /// <summary>Something to tell the user once (window/showMessage), e.g. projects that failed to load.</summary>
    event Action<string>? Notice { add { } remove { } }

    /// <summary>Steps of loading the workspace's projects, for $/progress; the last has Done set.</summary>
    event Action<WorkspaceLoadUpdate>? WorkspaceProgress { add { } remove { } }

    /// <summary>The code actions at a range (AI actions and any other provider): pure Roslyn, never the model.</summary>
    Task<IReadOnlyList<Actions.ActionOffer>> GetCodeActionsAsync(Actions.CodeActionQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Actions.ActionOffer>>([]);

    /// <summary>
    /// Runs an AI action on <paramref name="document"/> (the open document now): validated edits or a refusal, never
    /// written by the assistant itself. Cancellation stops the model within one decode step.
    /// </summary>
    Task<Actions.AiActionOutcome> RunActionAsync(Actions.AiActionArguments arguments, TextDocumentState document, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(new Actions.AiActionOutcome { Action = arguments.Action, Refusal = "AI actions are not available." });
}
