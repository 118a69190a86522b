using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Context.Evaluation;
using CodeLsp.Workspace.Documents;
using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using CompletionSite = CodeLsp.Workspace.Context.Evaluation.CompletionSite;
using Serilog;

namespace CodeLsp.Server.Benchmarks;

/// <summary>What the evaluation asks: which sites, and which engine.</summary>
internal sealed record CompletionEvaluationOptions
{
    public int Sites { get; init; } = 100;
    public int Seed { get; init; } = 1;
    public int MaxTokens { get; init; } = 48;

    /// <summary>Generous on purpose: the eval measures what the context is worth, not how fast it arrives.</summary>
    public TimeSpan ContextWait { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>One configuration's figures over all sites.</summary>
internal sealed record EvaluationColumn(
    string Name, int Sites, int Shown, int Exact, double EditSimilarity, double? IdentifierRecall, double? UnseenIdentifierRecall,
    int ShownThatCompile, IReadOnlyDictionary<string, double> ExactByKind);

internal sealed record EvaluationReport(
    string Solution, string Engine, bool Noise, int Seed, int SitesFound, int SitesAsked, IReadOnlyDictionary<string, int> SitesByKind,
    IReadOnlyList<EvaluationColumn> Columns, double ModelMsP50WithContext, double ModelMsP50WithoutContext, int TruthInWindow, int TruthInContext,
    double LoadSeconds, double RunSeconds)
{
    /// <summary>Where a site's true rest appears in the context only (another declaration or file holding the same code), for the reader to judge.</summary>
    public IReadOnlyList<string> ContextRepeats { get; init; } = [];
}

/// <summary>
/// <c>codelsp eval completions</c>: seeded completion sites in a real solution (after a '.', at statement starts,
/// at other identifiers, arguments among them), the true rest of the line masked, the engine asked through the real
/// completion pipeline (prompt window, Roslyn context, cleaning) with the context on and off; each suggestion then
/// compile-checked, so the compile check on and off come from the same answers. Scores: exact match, edit
/// similarity, identifier recall (all identifiers of the true rest; those the prompt window does not show), share
/// of shown suggestions that compile. The mask is an overlay of the open document, as the editor's unsaved text
/// is: Roslyn, the context and the similar snippets see the masked text only, and each document is closed (its
/// overlay dropped) before the next site. See docs/evaluation.md.
/// </summary>
internal sealed class CompletionEvaluation(TextWriter output, ILogger logger)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const string ArgumentKind = "in-arguments";

    public async Task<EvaluationReport> RunAsync(string folder, IInferenceEngine engine, string engineName, bool noise, CompletionEvaluationOptions options, bool json, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        using var workspace = new WorkspaceHost(logger);
        await workspace.LoadAsync(folder, trusted: true, progress: null, ct).ConfigureAwait(false);
        var state = workspace.State;
        var loadSeconds = total.Elapsed.TotalSeconds;
        if (!json) output.WriteLine($"Workspace: {state}");
        if (state.Status != WorkspaceLoadStatus.Loaded || state.Mode != WorkspaceMode.MSBuild)
        {
            output.WriteLine("The compile check needs projects loaded by MSBuild (restore the solution first); compile figures would be meaningless. Stopping.");
            throw new InvalidOperationException($"workspace not loaded by MSBuild: {state}");
        }
        await workspace.WarmUpAsync(ct).ConfigureAwait(false);

        var solution = workspace.CurrentSolution;
        var sites = new List<CompletionSite>();
        foreach (var document in CompletionSiteSampler.SourceDocuments(solution))
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            if (root is not null) sites.AddRange(CompletionSiteSampler.FindSites(document, root, text));
        }
        var sampled = CompletionSiteSampler.Sample(sites, options.Sites, options.Seed);

        var withContext = Pipeline(engine, options, contextTokens: 512, workspace);
        var withoutContext = Pipeline(engine, options, contextTokens: 0, workspace);
        var results = new List<SiteResult>();
        var modelMs = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        int truthInWindow = 0, truthInContext = 0;
        var contextRepeats = new List<string>();
        var store = new DocumentStore();
        var version = 0;
        var runClock = Stopwatch.StartNew();
        foreach (var site in sampled)
        {
            ct.ThrowIfCancellationRequested();
            var original = solution.GetDocument(site.DocumentId)!;
            var originalText = await original.GetTextAsync(ct).ConfigureAwait(false);
            var originalRoot = (await original.GetSyntaxRootAsync(ct).ConfigureAwait(false))!;
            var model = (await original.GetSemanticModelAsync(ct).ConfigureAwait(false))!;
            var truth = originalText.ToString(TextSpan.FromBounds(site.Offset, site.LineEnd));
            var masked = originalText.WithChanges(new TextChange(TextSpan.FromBounds(site.Offset, site.LineEnd), ""));
            var (prefix, suffix) = PromptWindow.Take(masked, site.Offset, withContext.Options.PrefixLines, withContext.Options.SuffixLines);
            var unseen = ContinuationTargets.Find(originalRoot, model, site, ContinuationTargets.Words(prefix + suffix), ct).Select(t => t.Name).ToList();
            var kind = site.Kind == CompletionSiteKinds.Identifier && originalRoot.FindToken(site.Offset).Parent?.FirstAncestorOrSelf<ArgumentListSyntax>() is not null
                ? ArgumentKind
                : site.Kind;
            var uri = new Uri(site.Path);
            foreach (var contextOn in new[] { true, false })
            {
                var pipeline = contextOn ? withContext : withoutContext;
                var opened = store.Open(uri, "csharp", ++version, masked.ToString());
                CompletionTrace? trace = null;
                void OnTrace(Uri _, CompletionTrace t) => trace = t;
                pipeline.Completed += OnTrace;
                string? suggestion;
                try
                {
                    suggestion = (await pipeline.CompleteAsync(new InlineCompletionQuery(opened, site.Offset, CompletionTrigger.Invoked), ct).ConfigureAwait(false))
                        .FirstOrDefault()?.InsertText;
                }
                finally
                {
                    pipeline.Completed -= OnTrace;
                }
                CompileVerdict? verdict = null;
                if (suggestion is not null)
                {
                    verdict = await SuggestionCompileCheck.CheckAsync(workspace.GetDocument(uri, opened.Text), site.Offset, suggestion, ct).ConfigureAwait(false);
                }
                if (trace?.Model is { } answered) modelMs[contextOn].Add((answered.PromptTime + answered.GenerationTime).TotalMilliseconds);
                if (contextOn && trace?.Prompt is { } prompt && truth.Trim().Length >= 8)
                {
                    if ((prompt.Prefix + prompt.Suffix).Contains(truth.Trim(), StringComparison.Ordinal)) truthInWindow++;
                    else if ((prompt.Context ?? "").Contains(truth.Trim(), StringComparison.Ordinal))
                    {
                        truthInContext++;
                        var line = originalText.Lines.GetLinePosition(site.Offset);
                        var item = prompt.Context!.Split('\n').First(l => l.Contains(truth.Trim(), StringComparison.Ordinal)).Trim();
                        contextRepeats.Add(Invariant($"{Path.GetRelativePath(folder, site.Path)}:{line.Line + 1}:{line.Character + 1} `{truth.Trim()}` in context line `{item}`"));
                    }
                }
                results.Add(new SiteResult(site, kind, truth, unseen, contextOn, suggestion, verdict));
                pipeline.Forget(uri);
                workspace.DocumentClosed(uri);
                store.Close(uri);
            }
            if (!json && results.Count % 40 == 0) output.WriteLine(Invariant($"  {results.Count / 2} of {sampled.Count} sites, {runClock.Elapsed.TotalSeconds:F0} s"));
        }

        var columns = new List<EvaluationColumn>();
        foreach (var contextOn in new[] { true, false })
        {
            foreach (var checkOn in new[] { true, false })
            {
                columns.Add(Column($"context {(contextOn ? "on" : "off")}, check {(checkOn ? "on" : "off")}", results.Where(r => r.ContextOn == contextOn).ToList(), checkOn));
            }
        }
        var report = new EvaluationReport(folder, engineName, noise, options.Seed, sites.Count, sampled.Count,
            results.Where(r => r.ContextOn).GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            columns, P50(modelMs[true]), P50(modelMs[false]), truthInWindow, truthInContext, loadSeconds, total.Elapsed.TotalSeconds)
        {
            ContextRepeats = contextRepeats,
        };
        if (json) output.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        else Print(report);
        return report;
    }

    private InlineCompletionPipeline Pipeline(IInferenceEngine engine, CompletionEvaluationOptions options, int contextTokens, WorkspaceHost workspace) =>
        new(engine, new PipelineOptions
        {
            ContextTokens = contextTokens,
            ContextWait = options.ContextWait,
            // The check runs after the pipeline, on the same answer, so check on and off compare like with like.
            CompileCheck = false,
            MaxTokens = options.MaxTokens,
            MaxTokensSingleLine = Math.Min(options.MaxTokens, 32),
            TimeLimit = options.TimeLimit,
        }, logger, statistics: null, workspace);

    private static EvaluationColumn Column(string name, IReadOnlyList<SiteResult> results, bool checkOn)
    {
        string? Shown(SiteResult r) => checkOn && r.Verdict is { Introduces: true } ? null : r.Suggestion;
        var recall = results.Select(r => CompletionScores.Recall(Shown(r), CompletionScores.Identifiers(r.Truth))).OfType<double>().ToList();
        var unseen = results.Select(r => CompletionScores.Recall(Shown(r), r.Unseen)).OfType<double>().ToList();
        return new EvaluationColumn(
            name,
            results.Count,
            results.Count(r => Shown(r) is not null),
            results.Count(r => CompletionScores.ExactMatch(Shown(r), r.Truth)),
            results.Count == 0 ? 0 : results.Average(r => CompletionScores.EditSimilarity(Shown(r), r.Truth)),
            recall.Count == 0 ? null : recall.Average(),
            unseen.Count == 0 ? null : unseen.Average(),
            results.Count(r => Shown(r) is not null && r.Verdict is { Introduces: false }),
            results.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (double)g.Count(r => CompletionScores.ExactMatch(Shown(r), r.Truth)) / g.Count()));
    }

    private void Print(EvaluationReport report)
    {
        output.WriteLine(Invariant($"Engine: {report.Engine}"));
        output.WriteLine(Invariant($"{report.SitesFound} completion sites, {report.SitesAsked} asked (seed {report.Seed}): {string.Join(", ", report.SitesByKind.Select(k => $"{k.Value} {k.Key}"))}"));
        if (report.Noise)
        {
            output.WriteLine("NOTE: this model is a generated tiny model (or under 100M parameters): its suggestions are noise, and so are these numbers.");
            output.WriteLine("      They show the method runs; quality figures need a real code model (--model PATH) or a team's engine (--engine …).");
        }
        var c = report.Columns;
        output.WriteLine();
        output.WriteLine("".PadRight(34) + string.Concat(c.Select(x => x.Name.PadLeft(24))));
        Row("suggestion shown", x => Pct(x.Shown, x.Sites));
        Row("exact match (rest of line)", x => Pct(x.Exact, x.Sites));
        Row("edit similarity (mean)", x => x.EditSimilarity.ToString("F3", Inv));
        Row("identifier recall", x => x.IdentifierRecall is { } v ? (100 * v).ToString("F1", Inv) + "%" : "-");
        Row("  identifiers not in the window", x => x.UnseenIdentifierRecall is { } v ? (100 * v).ToString("F1", Inv) + "%" : "-");
        Row("shown suggestions that compile", x => Pct(x.ShownThatCompile, x.Shown));
        foreach (var kind in c[0].ExactByKind.Keys) Row($"exact match: {kind}", x => (100 * x.ExactByKind.GetValueOrDefault(kind)).ToString("F1", Inv) + "%");
        output.WriteLine();
        output.WriteLine(Invariant($"Model time per request p50: {report.ModelMsP50WithContext:F0} ms with context, {report.ModelMsP50WithoutContext:F0} ms without"));
        output.WriteLine(Invariant($"Sites whose true rest (8+ characters) appears verbatim elsewhere: {report.TruthInWindow} in the prompt window, {report.TruthInContext} more only in the context (code repeats itself; the masked line itself is nowhere)"));
        foreach (var repeat in report.ContextRepeats) output.WriteLine("  " + repeat);
        output.WriteLine(Invariant($"Load {report.LoadSeconds:F1} s; whole run {report.RunSeconds:F1} s"));

        void Row(string label, Func<EvaluationColumn, string> value) => output.WriteLine(label.PadRight(34) + string.Concat(c.Select(x => value(x).PadLeft(24))));
    }

    private static string Pct(int part, int whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", Inv) + "%";

    private static double P50(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : ContextBenchmarkReport.Percentile(values, 50);

    private static string Invariant(FormattableString text) => text.ToString(Inv);

    private sealed record SiteResult(CompletionSite Site, string Kind, string Truth, IReadOnlyList<string> Unseen, bool ContextOn, string? Suggestion, CompileVerdict? Verdict);
}
