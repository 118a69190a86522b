using System.Collections.Concurrent;
using CodeLsp.Features;
using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>A scripted assistant: records settings and queries, answers with <see cref="Complete"/>, raises statuses on demand.</summary>
internal sealed class FakeAssistant : IAssistant
{
    public ConcurrentQueue<AssistantSettings> AppliedSettings { get; } = new();
    public ConcurrentQueue<InlineCompletionQuery> Queries { get; } = new();
    public ConcurrentQueue<string> Accepted { get; } = new();
    public ConcurrentQueue<string> Events { get; } = new();

    public void SuggestionAccepted(string suggestionId) => Accepted.Enqueue(suggestionId);

    public void DocumentChanged(Workspace.Documents.TextDocumentState document) => Events.Enqueue($"changed {document.Uri} v{document.Version}");

    public void DocumentClosed(Uri uri) => Events.Enqueue($"closed {uri}");

    public ConcurrentQueue<(string Folder, bool Trusted)> Workspaces { get; } = new();

    public void OpenWorkspace(string folder, bool trusted) => Workspaces.Enqueue((folder, trusted));

    public event Action<WorkspaceLoadUpdate>? WorkspaceProgress;

    public event Action<string>? Notice;

    public void RaiseWorkspace(WorkspaceLoadUpdate update) => WorkspaceProgress?.Invoke(update);

    public void RaiseNotice(string message) => Notice?.Invoke(message);

    /// <summary>Default: echo the document with "$$" at the query's offset, so tests see the text and the offset at once.</summary>
    public Func<InlineCompletionQuery, CancellationToken, Task<IReadOnlyList<InlineSuggestion>>> Complete { get; set; } = EchoAsync;

    public ModelStatus Status { get; private set; } = new ModelStatus.NotConfigured();

    public event Action<ModelStatus>? StatusChanged;

    /// <summary>Set to make <see cref="ApplySettings"/> throw.</summary>
    public Exception? ApplySettingsFailure { get; set; }

    public void ApplySettings(AssistantSettings settings)
    {
        AppliedSettings.Enqueue(settings);
        if (ApplySettingsFailure is { } failure) throw failure;
    }

    public Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken)
    {
        Queries.Enqueue(query);
        return Complete(query, cancellationToken);
    }

    public void Raise(ModelStatus status)
    {
        Status = status;
        StatusChanged?.Invoke(status);
    }

    public static Task<IReadOnlyList<InlineSuggestion>> EchoAsync(InlineCompletionQuery query, CancellationToken cancellationToken)
    {
        var text = query.Document.Text.ToString();
        var echo = text[..query.Offset] + "$$" + text[query.Offset..];
        return Task.FromResult<IReadOnlyList<InlineSuggestion>>([new InlineSuggestion(echo, new TextSpan(query.Offset, 0), "echo")]);
    }

    /// <summary>Code actions at a range (tests plug the real Features providers in here).</summary>
    public Func<Features.Actions.CodeActionQuery, CancellationToken, Task<IReadOnlyList<Features.Actions.ActionOffer>>>? CodeActions { get; set; }

    /// <summary>Runs an AI action (tests plug the real runner with a scripted engine in here).</summary>
    public Func<Features.Actions.AiActionArguments, Workspace.Documents.TextDocumentState, IProgress<string>?, CancellationToken, Task<Features.Actions.AiActionOutcome>>? RunAction { get; set; }

    public Task<IReadOnlyList<Features.Actions.ActionOffer>> GetCodeActionsAsync(Features.Actions.CodeActionQuery query, CancellationToken cancellationToken) =>
        CodeActions?.Invoke(query, cancellationToken) ?? Task.FromResult<IReadOnlyList<Features.Actions.ActionOffer>>([]);

    public Task<Features.Actions.AiActionOutcome> RunActionAsync(Features.Actions.AiActionArguments arguments, Workspace.Documents.TextDocumentState document,
        IProgress<string>? progress, CancellationToken cancellationToken) =>
        RunAction?.Invoke(arguments, document, progress, cancellationToken)
        ?? Task.FromResult(new Features.Actions.AiActionOutcome { Action = arguments.Action, Refusal = "not scripted" });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
