using System.Diagnostics;
using CodeLsp.Features.Actions.Gates;
using CodeLsp.Features.Actions.Kinds;
using CodeLsp.Inference.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Actions;

/// <summary>
/// Runs one AI action: resolves its target in the document as it was at the command's version, asks the model, splices
/// the answer into a fork of the workspace, and passes it through every gate; at most one retry that feeds the failed
/// gates' findings back. Returns validated edits or a refusal; it never writes anything itself.
/// </summary>
public sealed class AiActionRunner(ILogger logger, ActionOptions? options = null)
{
    private readonly ILogger _logger = logger.ForContext<AiActionRunner>();
    private readonly ActionOptions _options = options ?? new ActionOptions();

    internal static IReadOnlyList<IAiAction> Actions { get; } =
    [
        new FixWithAiAction(), new ImplementWithAiAction(), new ImplementMissingMembersAction(), new WriteDocsAction(), new GenerateTestsAction(),
    ];

    internal static IAiAction For(AiActionKind kind) => Actions.First(a => a.Kind == kind);

    /// <summary>
    /// Runs <paramref name="arguments"/> on <paramref name="document"/> (whose text must be the one at <see cref="AiActionArguments.Version"/>).
    /// Cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<AiActionOutcome> RunAsync(IInferenceEngine? engine, Document document, AiActionArguments arguments,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var action = For(arguments.Action);
        AiActionOutcome Refuse(string reason, IReadOnlyList<ActionAttempt>? attempts = null) =>
            new() { Action = arguments.Action, Refusal = reason, Attempts = attempts ?? [], ModelName = engine?.Info.ModelName, Total = clock.Elapsed };

        if (engine is null) return Refuse("No model is loaded: choose a GGUF model file (the modelPath setting).");
        if (action.Unsupported(engine.Info) is { } unsupported) return Refuse($"{Title(arguments.Action)} {unsupported}.");

        var site = await ActionSite.CreateAsync(document, arguments.Range, cancellationToken).ConfigureAwait(false);
        var resolution = await action.ResolveAsync(site, arguments.DiagnosticId, cancellationToken).ConfigureAwait(false);
        if (resolution.Target is not { } target) return Refuse($"{Title(arguments.Action)}: {resolution.Refusal}.");

        var attempts = new List<ActionAttempt>();
        ActionTarget.Attempted? previous = null;
        string? shown = null;
        for (var round = 0; round < (_options.Retry ? 2 : 1); round++)
        {
            progress?.Report(round == 0 ? $"Asking {engine.Info.ModelName} for the {target.Describe}" : "Retrying with the compiler's findings");
            ModelAnswer answer;
            try
            {
                answer = await target.AskAsync(engine, _options, previous, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A prompt too long for the context, a remote engine that went away: said plainly, nothing written.
                // On the retry, what the first attempt's gates said is the more useful message.
                _logger.Warning(e, "AI action {Action}: the model call failed", arguments.Action);
                if (attempts.Count > 0) break;
                return Refuse($"{Title(arguments.Action)}: the model could not answer: {e.Message}", attempts);
            }

            progress?.Report("Checking with the compiler");
            var validation = Stopwatch.StartNew();
            var splice = await target.SpliceAsync(answer.Text, cancellationToken).ConfigureAwait(false);
            shown = splice.Shown;
            var verdicts = new List<GateVerdict> { splice.Parse };
            if (splice.Candidate is { } candidate)
            {
                verdicts.Add(new GateVerdict(CandidateCleanup.Name, true, "ran"));
                foreach (var gate in target.Gates)
                {
                    var verdict = await gate.CheckAsync(candidate, cancellationToken).ConfigureAwait(false);
                    verdicts.Add(verdict);
                    if (!verdict.Passed) break;
                }
            }

            var attempt = new ActionAttempt(answer.Text, answer.PromptTokens, answer.PromptTime, answer.GenerationTime, answer.GeneratedTokens, validation.Elapsed, verdicts);
            attempts.Add(attempt);
            _logger.Information("AI action {Action} attempt {Attempt}: {Verdicts} (prompt {PromptTokens} tokens {PromptMs:F0} ms, {Generated} tokens {GenerationMs:F0} ms, validation {ValidationMs:F0} ms)",
                arguments.Action, round + 1, string.Join("; ", verdicts), answer.PromptTokens, answer.PromptTime.TotalMilliseconds,
                answer.GeneratedTokens, answer.GenerationTime.TotalMilliseconds, validation.Elapsed.TotalMilliseconds);

            if (attempt.Passed && splice.Candidate is { } accepted)
            {
                return new AiActionOutcome
                {
                    Action = arguments.Action,
                    Edits = await EditsAsync(accepted.Original, accepted.Edited, arguments.Uri, arguments.Version, cancellationToken).ConfigureAwait(false),
                    Scope = site.Text.Lines.GetLinePositionSpan(target.Scope),
                    Attempts = attempts,
                    ModelName = engine.Info.ModelName,
                    Total = clock.Elapsed,
                };
            }

            previous = new ActionTarget.Attempted(FencedAnswer.Code(answer.Text), attempt.Problems);
        }

        var fallback = await target.FallbackAsync(cancellationToken).ConfigureAwait(false);
        var last = attempts[^1];
        return Refuse($"CodeLsp AI: no valid {target.Describe} found ({attempts.Count} attempt{(attempts.Count == 1 ? "" : "s")}): {last.Problems}", attempts) with
        {
            RejectedText = shown,
            Fallback = fallback is { } f ? await EditsAsync(target.Document, f.Document, arguments.Uri, arguments.Version, cancellationToken).ConfigureAwait(false) : null,
            FallbackTitle = fallback?.Title,
        };
    }

    /// <summary>Minimal edits from <paramref name="original"/> to <paramref name="edited"/>, or one new file.</summary>
    internal static async Task<IReadOnlyList<FileEdit>> EditsAsync(Document original, Document edited, Uri uri, int version, CancellationToken cancellationToken)
    {
        if (edited.Id != original.Id)
        {
            var text = await edited.GetTextAsync(cancellationToken).ConfigureAwait(false);
            var newUri = new Uri(edited.FilePath ?? throw new InvalidOperationException("a new file needs a path"));
            return [new FileEdit(newUri, null, [new RangeEdit(default, text.ToString())]) { IsNewFile = true }];
        }

        var before = await original.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var changes = await edited.GetTextChangesAsync(original, cancellationToken).ConfigureAwait(false);
        return [new FileEdit(uri, version, changes.Select(c => new RangeEdit(before.Lines.GetLinePositionSpan(c.Span), c.NewText ?? "")).ToList())];
    }

    internal static string Title(AiActionKind kind) => kind switch
    {
        AiActionKind.Fix => "Fix with AI",
        AiActionKind.Implement => "Implement with AI",
        AiActionKind.ImplementMissing => "Implement missing members with AI",
        AiActionKind.Docs => "Write XML docs with AI",
        _ => "Generate tests with AI",
    };
}
