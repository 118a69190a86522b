using CodeLsp.Features.Completion;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.InlineCompletion;

/// <summary>
/// textDocument/inlineCompletion: converts the LSP request to an <see cref="InlineCompletionQuery"/> on the snapshot,
/// asks the assistant, and converts its suggestions back. Documents that are not open or not C# get an empty list.
/// </summary>
internal sealed class InlineCompletionHandler(ServerState server) : IRequestHandler<InlineCompletionParams, InlineCompletionList>
{
    private static readonly InlineCompletionList Empty = new();

    /// <summary>
    /// Documents longer than this get no suggestions: the first request would parse the whole file (a 10 MB generated file
    /// took 20 s here, holding its request), and nobody writes such files by hand. Measured with <c>codelsp bench odd-files</c>.
    /// </summary>
    public const int MaxDocumentChars = 1_000_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Uri, int> _toldTooLarge = new();

    public async Task<InlineCompletionList> HandleAsync(InlineCompletionParams request, RequestContext context, CancellationToken cancellationToken)
    {
        var document = context.GetDocument(request.TextDocument.Uri);
        if (document is null)
        {
            server.Logger.Debug("inlineCompletion for {Uri}, which is not open: empty", request.TextDocument.Uri);
            return Empty;
        }
        if (!document.IsCSharp || !server.Settings.Assistant.Enabled)
        {
            return Empty;
        }
        if (document.Text.Length > MaxDocumentChars)
        {
            if (_toldTooLarge.TryAdd(document.Uri, document.Version))
            {
                server.Logger.Warning("No suggestions in {Uri}: {Chars:N0} characters is more than the {Max:N0} CodeLsp completes in", document.Uri, document.Text.Length, MaxDocumentChars);
            }
            return Empty;
        }

        var text = document.Text;
        var offset = ProtocolConversions.ToOffsetOrThrow(text, request.Position);
        var selected = request.Context.SelectedCompletionInfo is { } info
            ? new SelectedCompletion(ProtocolConversions.ToTextSpanOrThrow(text, info.Range), info.Text)
            : null;
        var trigger = request.Context.TriggerKind == InlineCompletionTriggerKind.Invoked
            ? CompletionTrigger.Invoked
            : CompletionTrigger.Automatic;

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var suggestions = await server.Assistant
            .CompleteAsync(new InlineCompletionQuery(document, offset, trigger, selected), cancellationToken)
            .ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        server.Logger.Debug("inlineCompletion {Uri} v{Version} at {Position} ({Trigger}): {Count} suggestion(s) in {Elapsed:0.0} ms",
            document.Uri, document.Version, request.Position, trigger, suggestions.Count,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        return new InlineCompletionList
        {
            Items = suggestions
                // A suggestion outside this snapshot's text cannot be placed; an empty one shows nothing.
                .Where(s => s.Range.End <= text.Length && s.InsertText.Length > 0)
                .Select(s => new InlineCompletionItem
                {
                    InsertText = s.InsertText,
                    Range = ProtocolConversions.ToRange(text, s.Range),
                    // Run by the client on accept: feeds local acceptance statistics and the prefetch of the next suggestion.
                    Command = new Command
                    {
                        Title = "Accept suggestion",
                        CommandIdentifier = Features.Assistant.AcceptedCommand,
                        Arguments = [System.Text.Json.JsonSerializer.SerializeToElement(s.SuggestionId)],
                    },
                })
                .ToArray(),
        };
    }
}
