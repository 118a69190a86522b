using CodeLsp.Inference.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions;

/// <summary>
/// One AI action: when it applies at a position (pure Roslyn, no model) and what it works on when run. One type per action.
/// </summary>
internal interface IAiAction
{
    AiActionKind Kind { get; }

    /// <summary>Why <paramref name="engine"/> cannot run this action (e.g. it needs a chat template), or null.</summary>
    string? Unsupported(EngineInfo engine);

    /// <summary>The menu entry when the action applies at the site; null otherwise. Never runs the model.</summary>
    Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken);

    /// <summary>The target at the site when the action runs, or why there is none.</summary>
    Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken);
}

/// <summary>A resolved target, or the reason there is none.</summary>
internal sealed record Resolution(ActionTarget? Target, string? Refusal)
{
    public static implicit operator Resolution(ActionTarget target) => new(target, null);

    public static implicit operator Resolution(string refusal) => new(null, refusal);
}

/// <summary>
/// A document at one version and a range in it, with the syntax root and, computed once on demand, the compiler's
/// errors on the range's lines. Shared by the actions asked at the same place.
/// </summary>
internal sealed class ActionSite(Document document, SourceText text, SyntaxNode root, TextSpan span)
{
    private Task<IReadOnlyList<Diagnostic>>? _errors;

    /// <summary>
    /// When set (listing offers), how long to wait for the errors: past it the site answers "no errors" and the
    /// computation finishes in the background, so the document's semantic model is warm when the editor asks again.
    /// </summary>
    public TimeSpan? ErrorBudget { get; init; }

    /// <summary>True when <see cref="ErrorBudget"/> ran out before the errors were known.</summary>
    public bool ErrorsLate { get; private set; }

    public Document Document { get; } = document;

    public SourceText Text { get; } = text;

    public SyntaxNode Root { get; } = root;

    public TextSpan Span { get; } = span;

    public static async Task<ActionSite> CreateAsync(Document document, LinePositionSpan range, CancellationToken cancellationToken, TimeSpan? errorBudget = null)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var span = Workspace.Documents.DocumentStore.ToSpan(text, range);
        return new ActionSite(document, text, root!, span) { ErrorBudget = errorBudget };
    }

    /// <summary>Compiler errors touching the lines of the range (binding only the members there).</summary>
    public async Task<IReadOnlyList<Diagnostic>> ErrorsAsync(CancellationToken cancellationToken)
    {
        _errors ??= Task.Run(() => LoadErrorsAsync(cancellationToken), cancellationToken);
        if (ErrorBudget is not { } budget || _errors.IsCompleted) return await _errors.ConfigureAwait(false);
        if (ErrorsLate) return []; // the budget is spent once per request, not once per action that asks
        var first = await Task.WhenAny(_errors, Task.Delay(budget, cancellationToken)).ConfigureAwait(false);
        if (first == _errors) return await _errors.ConfigureAwait(false);
        ErrorsLate = true;
        return [];
    }

    private async Task<IReadOnlyList<Diagnostic>> LoadErrorsAsync(CancellationToken cancellationToken)
    {
        var first = Text.Lines.GetLineFromPosition(Span.Start);
        var last = Text.Lines.GetLineFromPosition(Span.End);
        var lines = TextSpan.FromBounds(first.Start, last.End);
        var model = await Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null) return [];
        return model.GetDiagnostics(lines, cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.IsInSource && d.Location.SourceSpan.IntersectsWith(lines))
            .ToList();
    }
}
