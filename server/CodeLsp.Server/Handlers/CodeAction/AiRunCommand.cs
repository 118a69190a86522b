using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Features.Actions;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Workspace.Documents;
using StreamJsonRpc;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>
/// <c>workspace/executeCommand codelsp.ai.run</c>: runs one AI action under a cancellable work-done progress
/// (<c>window/workDoneProgress/cancel</c> and <c>$/cancelRequest</c> both stop the model within one decode step), then
/// applies the validated edit with <c>workspace/applyEdit</c> as one versioned <c>TextDocumentEdit</c> (a new file through
/// <c>CreateFile</c>). If the document changed meanwhile, the edit is moved when the change lies outside the member and
/// refused otherwise. A refusal writes nothing: one message says what the compiler said, with "Show attempt".
/// </summary>
internal sealed class AiRunCommand(ServerState server)
{
    public const string AnnotationId = "codelsp.ai";
    private const string ShowAttempt = "Show attempt";

    public async Task<AiRunResult> RunAsync(IReadOnlyList<JsonElement>? arguments, CancellationToken cancellationToken)
    {
        var parsed = arguments is [var first, ..] ? first.Deserialize<AiRunArguments>(LspJson.Options) : null;
        var domain = parsed?.ToDomain() ?? throw new LocalRpcException(
            $"{AiActionNames.RunCommand} needs one argument {{action, uri, version, range}} with action one of {string.Join(", ", AiActionNames.All)}.") { ErrorCode = LspErrorCodes.InvalidParams };
        if (server.Documents.Get(domain.Uri) is not { } document)
        {
            return await RefuseAsync(domain, $"{domain.Uri} is not open.", null).ConfigureAwait(false);
        }

        var client = server.Client ?? throw new InvalidOperationException("no client connection");
        var support = ClientActionSupport.From(server.ClientCapabilities);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IntegerOrString? token = null;
        if (support.WorkDoneProgress)
        {
            token = new IntegerOrString("codelsp-ai-" + Guid.NewGuid().ToString("N"));
            server.RunningActions[token.Value.ToString()!] = cancellation;
            try
            {
                await client.InvokeWithParameterObjectAsync<JsonElement?>(Methods.WindowWorkDoneProgressCreate, new WorkDoneProgressCreateParams { Token = token.Value }, cancellationToken).ConfigureAwait(false);
                await Progress(client, token.Value, new WorkDoneProgressBegin { Title = $"CodeLsp AI: {Title(domain.Action)}", Cancellable = true, Message = "Starting" }).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                server.Logger.Debug(e, "The client refused a progress token; the action runs without progress");
                server.RunningActions.TryRemove(token.Value.ToString()!, out _);
                token = null;
            }
        }

        AiActionOutcome outcome;
        try
        {
            var progress = new Reporter(message =>
            {
                if (token is { } t) _ = Progress(client, t, new WorkDoneProgressReport { Message = message });
            });
            outcome = await server.Assistant.RunActionAsync(domain, document, progress, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Cancelled from the progress notification: end quietly, nothing written.
            server.Logger.Information("AI action {Action} cancelled by the user", domain.Action);
            return new AiRunResult { Applied = false, Reason = "cancelled" };
        }
        finally
        {
            if (token is { } t)
            {
                server.RunningActions.TryRemove(t.ToString()!, out _);
                _ = Progress(client, t, new WorkDoneProgressEnd());
            }
        }

        if (!outcome.Accepted)
        {
            return await RefuseAsync(domain, outcome.Refusal!, outcome).ConfigureAwait(false);
        }

        return await ApplyAsync(domain, document, outcome.Edits, outcome.Scope, outcome.ModelName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies edits computed on <paramref name="computedOn"/>, moved onto the current version if the user typed elsewhere.</summary>
    private async Task<AiRunResult> ApplyAsync(AiActionArguments domain, TextDocumentState computedOn, IReadOnlyList<FileEdit> edits,
        Microsoft.CodeAnalysis.Text.LinePositionSpan? scope, string? model, CancellationToken cancellationToken)
    {
        var current = server.Documents.Get(domain.Uri);
        var moved = new List<FileEdit>();
        foreach (var edit in edits)
        {
            if (edit.IsNewFile || edit.Uri != domain.Uri)
            {
                moved.Add(edit);
                continue;
            }

            if (current is null) return await RefuseAsync(domain, "The document was closed while the action ran; nothing was applied.", null).ConfigureAwait(false);
            if (current.Version == computedOn.Version)
            {
                moved.Add(edit);
                continue;
            }

            var rebased = EditRebaser.Rebase(computedOn.Text, current.Text, edit.Edits, scope ?? default);
            if (rebased is null)
            {
                return await RefuseAsync(domain, "The member changed while the action ran, so the AI edit was not applied (it was computed for the old text). Run the action again.", null).ConfigureAwait(false);
            }

            moved.Add(edit with { Version = current.Version, Edits = rebased });
        }

        var client = server.Client!;
        var result = await client.InvokeWithParameterObjectAsync<ApplyWorkspaceEditResult>(Methods.WorkspaceApplyEdit, new ApplyWorkspaceEditParams
        {
            Label = $"CodeLsp AI: {Title(domain.Action)}",
            Edit = ToWorkspaceEdit(moved, model, ClientActionSupport.From(server.ClientCapabilities).ChangeAnnotations),
        }, cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            server.Logger.Information("AI action {Action} applied to {Uri}", domain.Action, domain.Uri);
            return new AiRunResult { Applied = true };
        }

        var reason = $"The editor did not apply the AI edit: {result.FailureReason ?? "no reason given"}.";
        await client.NotifyWithParameterObjectAsync(Methods.WindowShowMessage, new ShowMessageParams { Type = MessageType.Warning, Message = "CodeLsp AI: " + reason }).ConfigureAwait(false);
        return new AiRunResult { Applied = false, Reason = reason };
    }

    /// <summary>Tells the user once why nothing was written, offering the rejected attempt (and Roslyn's fallback, if any).</summary>
    private async Task<AiRunResult> RefuseAsync(AiActionArguments domain, string reason, AiActionOutcome? outcome)
    {
        server.Logger.Information("AI action {Action} refused: {Reason}", domain.Action, reason);
        if (server.Client is { } client)
        {
            var actions = new List<MessageActionItem>();
            if (outcome?.RejectedText is not null) actions.Add(new MessageActionItem { Title = ShowAttempt });
            if (outcome?.Fallback is not null && outcome.FallbackTitle is { } fallback) actions.Add(new MessageActionItem { Title = fallback });
            var message = new ShowMessageRequestParams { Type = MessageType.Warning, Message = reason, Actions = actions.Count > 0 ? actions : null };
            // Not awaited: the command answers now; the user may click later (or never).
            _ = Task.Run(async () =>
            {
                try
                {
                    var chosen = await client.InvokeWithParameterObjectAsync<MessageActionItem?>(Methods.WindowShowMessageRequest, message, CancellationToken.None).ConfigureAwait(false);
                    if (chosen?.Title == ShowAttempt && outcome?.RejectedText is { } attempt) await ShowAttemptAsync(client, domain, attempt).ConfigureAwait(false);
                    else if (chosen is not null && chosen.Title == outcome?.FallbackTitle && server.Documents.Get(domain.Uri) is { } document)
                    {
                        // The fallback was computed on the action's version; apply it only on that version.
                        if (document.Version == domain.Version) await ApplyAsync(domain, document, outcome.Fallback!, outcome.Scope, null, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception e)
                {
                    server.Logger.Debug(e, "The refusal message for {Action} was not answered", domain.Action);
                }
            });
        }

        return new AiRunResult { Applied = false, Reason = reason };
    }

    /// <summary>Writes the rejected attempt to a read-only file in the state folder and asks the client to open it.</summary>
    private async Task ShowAttemptAsync(JsonRpc client, AiActionArguments domain, string attempt)
    {
        var folder = Path.Combine(StateFolder.Resolve(server.GetEnvironmentVariable), "attempts");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{AiActionNames.Name(domain.Action)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.cs");
        await File.WriteAllTextAsync(path, $"// Rejected AI attempt ({Title(domain.Action)} in {domain.Uri.LocalPath}); nothing was written to your file.\n{attempt}\n").ConfigureAwait(false);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        if (ClientActionSupport.From(server.ClientCapabilities).ShowDocument)
        {
            await client.InvokeWithParameterObjectAsync<ShowDocumentResult>(Methods.WindowShowDocument, new ShowDocumentParams { Uri = new Uri(path), TakeFocus = true }, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await client.NotifyWithParameterObjectAsync(Methods.WindowShowMessage, new ShowMessageParams { Type = MessageType.Info, Message = $"The rejected attempt is in {path}" }).ConfigureAwait(false);
        }
    }

    /// <summary>Domain edits as one workspace edit: versioned document edits and created files, annotated as AI-made where the client honours it.</summary>
    internal static WorkspaceEdit ToWorkspaceEdit(IReadOnlyList<FileEdit> edits, string? model, bool annotate = false)
    {
        var changes = new List<DocumentChange>();
        var annotation = annotate ? AnnotationId : null;
        foreach (var edit in edits)
        {
            if (edit.IsNewFile)
            {
                changes.Add(new CreateFile { Uri = edit.Uri, Options = new CreateFileOptions { IgnoreIfExists = false, Overwrite = false } });
            }

            changes.Add(new TextDocumentEdit
            {
                TextDocument = new OptionalVersionedTextDocumentIdentifier { Uri = edit.Uri, Version = edit.Version },
                Edits = edit.Edits.Select(e => new TextEdit { Range = ProtocolConversions.ToRange(e.Range), NewText = e.NewText, AnnotationId = annotation }).ToList(),
            });
        }

        return new WorkspaceEdit
        {
            DocumentChanges = changes,
            ChangeAnnotations = annotate
                ? new Dictionary<string, ChangeAnnotation> { [AnnotationId] = new() { Label = "AI-generated (CodeLsp)", Description = model, NeedsConfirmation = false } }
                : null,
        };
    }

    private static string Title(AiActionKind kind) => kind switch
    {
        AiActionKind.Fix => "Fix with AI",
        AiActionKind.Implement => "Implement with AI",
        AiActionKind.ImplementMissing => "Implement missing members with AI",
        AiActionKind.Docs => "Write XML docs with AI",
        _ => "Generate tests with AI",
    };

    private static Task Progress(JsonRpc client, IntegerOrString token, WorkDoneProgress value) =>
        client.NotifyWithParameterObjectAsync(Methods.Progress, new ProgressParams { Token = token, Value = value });

    private sealed class Reporter(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
