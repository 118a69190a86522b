using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Actions;

/// <summary>
/// Lists the AI actions that apply at a range: pure Roslyn (syntax, and the compiler's errors on the range's lines),
/// never the model. Each offer carries the run command's arguments; an action the loaded model cannot run is listed
/// disabled with the reason. On an automatic request (the light bulb while the caret moves) only the error quick fixes.
/// </summary>
public sealed class AiCodeActionProvider(WorkspaceHost workspace, Func<EngineInfo?> engine, ILogger logger) : ICodeActionProvider
{
    private readonly ILogger _logger = logger.ForContext<AiCodeActionProvider>();
    private int _errorsLate;

    /// <summary>
    /// How long a request waits for the compiler's errors on its lines (the error quick fixes need them). The menu must
    /// answer in tens of milliseconds; the first request after an edit may need longer to bind the member, so it answers
    /// without the error fixes and the next request (the editor asks again as the caret or diagnostics move) has them.
    /// </summary>
    public TimeSpan ErrorBudget { get; init; } = TimeSpan.FromMilliseconds(35);

    /// <summary>Requests answered without the error quick fixes because the errors were not known within <see cref="ErrorBudget"/>.</summary>
    public int ErrorsLate => Volatile.Read(ref _errorsLate);

    public async Task<IReadOnlyList<ActionOffer>> GetActionsAsync(CodeActionQuery query, CancellationToken cancellationToken)
    {
        if (!query.Document.IsCSharp) return [];
        var document = workspace.GetDocument(query.Document.Uri, query.Document.Text);
        return await OffersAsync(document, query, engine(), cancellationToken).ConfigureAwait(false);
    }

    internal async Task<IReadOnlyList<ActionOffer>> OffersAsync(Document document, CodeActionQuery query, EngineInfo? info, CancellationToken cancellationToken)
    {
        var site = await ActionSite.CreateAsync(document, query.Range, cancellationToken, ErrorBudget).ConfigureAwait(false);
        var offers = new List<ActionOffer>();
        foreach (var action in AiActionRunner.Actions)
        {
            var diagnosticBound = action.Kind is AiActionKind.Fix or AiActionKind.ImplementMissing;
            if (query.Automatic && !diagnosticBound) continue;
            ActionOffer? offer;
            try
            {
                offer = await action.OfferAsync(site, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One action's failure costs its entry, not the menu.
                _logger.Warning(e, "Offering {Action} failed", action.Kind);
                continue;
            }

            if (offer is null || !ActionKinds.Matches(offer.Kind, query.Only)) continue;
            var disabled = info is null ? "No model is loaded" : action.Unsupported(info) is { } why ? $"{AiActionRunner.Title(action.Kind)} {why}" : null;
            offers.Add(offer with
            {
                DisabledReason = disabled,
                Arguments = new AiActionArguments(action.Kind, query.Document.Uri, query.Document.Version, query.Range)
                {
                    DiagnosticId = offer.Diagnostics.FirstOrDefault()?.Id,
                },
            });
        }

        if (site.ErrorsLate)
        {
            Interlocked.Increment(ref _errorsLate);
            _logger.Debug("Code actions at {Uri}: the compiler's errors took longer than {Budget} ms; error fixes left out of this answer", query.Document.Uri, ErrorBudget.TotalMilliseconds);
        }

        return offers;
    }
}

/// <summary>Collects the offers of every provider (AI actions, next edits …), in order; a failing provider costs only its own.</summary>
public sealed class CodeActionProviders(IReadOnlyList<ICodeActionProvider> providers, ILogger logger) : ICodeActionProvider
{
    public async Task<IReadOnlyList<ActionOffer>> GetActionsAsync(CodeActionQuery query, CancellationToken cancellationToken)
    {
        var all = new List<ActionOffer>();
        foreach (var provider in providers)
        {
            try
            {
                all.AddRange(await provider.GetActionsAsync(query, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.Warning(e, "Code action provider {Provider} failed", provider.GetType().Name);
            }
        }

        return all;
    }
}
