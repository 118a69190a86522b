using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Workspace.Context;

public sealed record ContextBenchmarkOptions
{
    /// <summary>Completion sites to sample (evenly over all sites found, deterministic).</summary>
    public int MaxSites { get; init; } = 400;

    public IReadOnlyList<int> Budgets { get; init; } = [256, 512, 1024];

    /// <summary>The visible window: the completion pipeline's prefix and suffix lines.</summary>
    public int PrefixLines { get; init; } = ContextRequest.DefaultPrefixLines;

    public int SuffixLines { get; init; } = ContextRequest.DefaultSuffixLines;

    /// <summary>How many "open tabs" feed the similar-snippet baseline (and the engine's snippet fallback).</summary>
    public int OpenTabs { get; init; } = 8;

    public bool Trusted { get; init; } = true;

    /// <summary>How multi-targeted projects are loaded (default: one target framework each).</summary>
    public WorkspaceLoadOptions? Load { get; init; }

    /// <summary>Build all compilations before the first context (as the server does in the background after loading).</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Print the time per collection phase and this many recall misses (for tuning).</summary>
    public int ShowMisses { get; init; }
}

public sealed record RecallRow(int Budget, string SiteKind, int Sites, int Targets, int SemanticHits, int BaselineHits)
{
    public double SemanticRecall => Targets == 0 ? 0 : (double)SemanticHits / Targets;
    public double BaselineRecall => Targets == 0 ? 0 : (double)BaselineHits / Targets;
}

public sealed record ContextBenchmarkReport(
    WorkspaceLoadState Load,
    int SourceLines,
    TimeSpan FirstContext,
    long ManagedBytesAfterLoad,
    long WorkingSetAfterLoad,
    long ManagedBytesAfterRun,
    long WorkingSetAfterRun,
    int Sites,
    IReadOnlyList<double> WarmMs,
    IReadOnlyList<double> AfterEditMs,
    IReadOnlyList<double> BaselineMs,
    IReadOnlyList<RecallRow> Recall)
{
    /// <summary>Process CPU time per request: robust against other processes competing for the cores.</summary>
    public IReadOnlyList<double> WarmCpuMs { get; init; } = [];

    public IReadOnlyList<double> AfterEditCpuMs { get; init; } = [];

    /// <summary>Sites where the edit stayed inside a body and the earlier semantic model was reused.</summary>
    public int ReusedModelSites { get; init; }

    public TimeSpan WarmUp { get; init; }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Measures the context engine on a real solution: load time, memory, context build time at many completion
/// sites (warm, and right after an edit), and recall: how many identifiers of the true continuation that are
/// declared outside the visible window appear in the packed context, against the similar-snippet baseline alone.
/// A completion site is a place in the solution's own code where a line continues after a '.' or at the start of
/// a statement; the "edit" deletes the rest of the line (what the user is about to type) and the context is built
/// on that snapshot.
/// </summary>
public static class ContextBenchmark
{
    private sealed record Site(DocumentId DocumentId, string Path, int Offset, int LineEnd, string Kind);

    public static async Task<ContextBenchmarkReport> RunAsync(string solutionFolder, TextWriter output, ContextBenchmarkOptions? options, ILogger logger, CancellationToken ct)
    {
        options ??= new ContextBenchmarkOptions();
        var total = Stopwatch.StartNew();
        using var host = new WorkspaceHost(logger);
        var loading = host.LoadAsync(solutionFolder, options.Trusted, progress: null, ct, options.Load);
        // While MSBuild works, the host serves an ad-hoc project of the folder: the first context a request gets.
        string? interimReport = null;
        while (!loading.IsCompleted && interimReport is null)
        {
            if (host.State.Status == WorkspaceLoadStatus.Loading && host.CurrentSolution.Projects.FirstOrDefault() is { } interim &&
                interim.Documents.Where(d => d.FilePath is { } f && !IsGenerated(f)).OrderBy(d => d.FilePath, StringComparer.Ordinal).FirstOrDefault() is { } probe)
            {
                var probeText = await probe.GetTextAsync(ct).ConfigureAwait(false);
                var probeContext = await new SemanticContextBuilder().BuildAsync(host.GetDocument(new Uri(probe.FilePath!), probeText), probeText.Length / 2, ContextBudget.Estimated(1024), ct).ConfigureAwait(false);
                interimReport = Invariant($"During loading: first context {total.Elapsed.TotalMilliseconds:F0} ms after start, from the ad-hoc project of the folder ({probeContext.Items.Count} items for {Path.GetFileName(probe.FilePath)})");
                host.DocumentClosed(new Uri(probe.FilePath!));
                break;
            }
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        await loading.ConfigureAwait(false);
        var load = host.State;
        await output.WriteLineAsync($"Workspace: {load}").ConfigureAwait(false);
        if (interimReport is not null) await output.WriteLineAsync(interimReport).ConfigureAwait(false);
        if (load.UserMessage is not null) await output.WriteLineAsync($"  {load.UserMessage}").ConfigureAwait(false);

        var solution = host.CurrentSolution;
        var documents = solution.Projects.Where(p => p.Language == LanguageNames.CSharp)
            .SelectMany(p => p.Documents)
            .Where(d => d.FilePath is { } f && f.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !IsGenerated(f))
            .OrderBy(d => d.FilePath, StringComparer.Ordinal).ToList();
        // One long-lived builder, as in the server: it keeps the last full semantic model per document for reuse.
        IReadOnlyList<RecentDocument> currentTabs = [];
        var builder = new SemanticContextBuilder(() => currentTabs);

        // Warm-up (what the server starts right after loading), then the first context a completion request would get.
        var warmUpClock = Stopwatch.StartNew();
        if (options.WarmUp) await host.WarmUpAsync(ct).ConfigureAwait(false);
        var warmUp = warmUpClock.Elapsed;
        var firstClock = Stopwatch.StartNew();
        if (documents.Count > 0)
        {
            var first = documents[0];
            var firstText = await first.GetTextAsync(ct).ConfigureAwait(false);
            await builder.BuildAsync(first, firstText.Length / 2, ContextBudget.Estimated(1024), ct).ConfigureAwait(false);
        }
        var firstContext = firstClock.Elapsed;
        var (managedAfterLoad, workingSetAfterLoad) = Memory();
        await output.WriteLineAsync(Invariant($"Load {load.Elapsed.TotalSeconds:F2} s; warm-up (compilations and declarations) {warmUp.TotalMilliseconds:F0} ms; first context {firstContext.TotalMilliseconds:F0} ms later; memory after load {Mb(managedAfterLoad)} managed, {Mb(workingSetAfterLoad)} working set")).ConfigureAwait(false);

        var sites = new List<Site>();
        var sourceLines = 0;
        foreach (var document in documents)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            sourceLines += text.Lines.Count;
            if (root is not null) sites.AddRange(FindSites(document, root, text));
        }
        var sampled = Sample(sites, options.MaxSites);
        await output.WriteLineAsync($"{documents.Count} documents, {sourceLines} lines, {sites.Count} completion sites, {sampled.Count} sampled").ConfigureAwait(false);

        var warm = new List<double>();
        var afterEdit = new List<double>();
        var baselineTimes = new List<double>();
        var recall = new Dictionary<(int Budget, string Kind), (int Sites, int Targets, int Semantic, int Baseline)>();
        var snippets = new SimilarSnippetProvider();
        var maxBudget = options.Budgets.Max();
        var warmCpu = new List<double>();
        var afterEditCpu = new List<double>();
        var misses = new List<string>();
        var reusedSites = 0;
        var slowest = new List<(double Ms, string Site)>();
        var reuseFailures = new Dictionary<string, int>(StringComparer.Ordinal);
        var phaseTotals = new Dictionary<string, double>(StringComparer.Ordinal);
        using var process = Process.GetCurrentProcess();
        TimeSpan Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }

        // Warm-up pass, then the timed warm pass on the unedited snapshot.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var site in sampled)
            {
                var document = solution.GetDocument(site.DocumentId)!;
                var text = await document.GetTextAsync(ct).ConfigureAwait(false);
                var request = new ContextRequest(ContextRequest.WindowAround(text, site.Offset, options.PrefixLines, options.SuffixLines));
                var cpu = Cpu();
                if (options.ShowMisses > 0 && pass == 1) SemanticContextBuilder.PhaseObserver = (phase, time) => phaseTotals["warm: " + phase] = phaseTotals.GetValueOrDefault("warm: " + phase) + time.TotalMilliseconds;
                var clock = Stopwatch.StartNew();
                await builder.BuildAsync(document, site.Offset, ContextBudget.Estimated(maxBudget), request, ct).ConfigureAwait(false);
                SemanticContextBuilder.PhaseObserver = null;
                if (pass == 1)
                {
                    warm.Add(clock.Elapsed.TotalMilliseconds);
                    warmCpu.Add((Cpu() - cpu).TotalMilliseconds);
                }
            }
        }

        foreach (var site in sampled)
        {
            ct.ThrowIfCancellationRequested();
            var original = solution.GetDocument(site.DocumentId)!;
            var originalText = await original.GetTextAsync(ct).ConfigureAwait(false);
            var originalModel = await original.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var originalRoot = await original.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (originalModel is null || originalRoot is null) continue;

            // The edit: the rest of the line is what the user is about to type.
            var editedText = originalText.WithChanges(new TextChange(TextSpan.FromBounds(site.Offset, site.LineEnd), ""));
            var window = ContextRequest.WindowAround(editedText, site.Offset, options.PrefixLines, options.SuffixLines);
            var visibleWords = Words(editedText.ToString(window));
            var originalWindow = TextSpan.FromBounds(window.Start, window.End + (site.LineEnd - site.Offset));
            var targets = Targets(originalRoot, originalModel, site, originalWindow, visibleWords, ct);

            var uri = new Uri(site.Path);
            var tabs = OpenTabs(solution, original, options.OpenTabs);
            currentTabs = tabs;
            // The state before the keystroke: the document as it was, with a context request answered there (in an
            // editor, the previous keystroke's). Not timed.
            var before = host.GetDocument(uri, originalText);
            await builder.CollectAsync(before, site.Offset, new ContextRequest(window), ct).ConfigureAwait(false);
            var reusedBefore = builder.ReusedModels;
            if (options.ShowMisses > 0) SemanticContextBuilder.PhaseObserver = (phase, time) => phaseTotals["edit: " + phase] = phaseTotals.GetValueOrDefault("edit: " + phase) + time.TotalMilliseconds;
            SemanticContextBuilder.ReuseObserver = reason => reuseFailures[reason] = reuseFailures.GetValueOrDefault(reason) + 1;
            var cpuBefore = Cpu();
            var clock = Stopwatch.StartNew();
            var edited = host.GetDocument(uri, editedText);
            var items = await builder.CollectAsync(edited, site.Offset, new ContextRequest(window), ct).ConfigureAwait(false);
            var packedMax = ContextPacker.Pack(items, ContextBudget.Estimated(maxBudget));
            afterEdit.Add(clock.Elapsed.TotalMilliseconds);
            afterEditCpu.Add((Cpu() - cpuBefore).TotalMilliseconds);
            if (builder.ReusedModels > reusedBefore) reusedSites++;
            slowest.Add((afterEdit[^1], $"{Path.GetFileName(site.Path)}:{editedText.Lines.GetLineFromPosition(site.Offset).LineNumber + 1} {site.Kind}{(builder.ReusedModels > reusedBefore ? " (reused)" : "")} {items.Count} items"));
            SemanticContextBuilder.ReuseObserver = null;
            SemanticContextBuilder.PhaseObserver = null;

            clock.Restart();
            var baselineItems = snippets.Find(editedText, site.Offset, tabs, site.Path);
            baselineTimes.Add(clock.Elapsed.TotalMilliseconds);

            foreach (var budget in options.Budgets)
            {
                var packed = budget == maxBudget ? packedMax : ContextPacker.Pack(items, ContextBudget.Estimated(budget));
                var baseline = ContextPacker.Pack(baselineItems, ContextBudget.Estimated(budget));
                var semanticWords = Words(packed.Rendered);
                var baselineWords = Words(baseline.Rendered);
                foreach (var kind in new[] { site.Kind, "all" })
                {
                    var row = recall.GetValueOrDefault((budget, kind));
                    row.Sites++;
                    row.Targets += targets.Count;
                    row.Semantic += targets.Count(semanticWords.Contains);
                    row.Baseline += targets.Count(baselineWords.Contains);
                    recall[(budget, kind)] = row;
                }
                if (budget == options.Budgets.Min() && misses.Count < options.ShowMisses)
                {
                    var candidateWords = Words(string.Join("\n", items.Select(i => i.Text + "\n" + i.Group)));
                    var line = editedText.Lines.GetLineFromPosition(site.Offset);
                    foreach (var target in targets.Where(t => !semanticWords.Contains(t)))
                    {
                        misses.Add($"{Path.GetFileName(site.Path)}:{line.LineNumber + 1} {site.Kind} '{editedText.ToString(TextSpan.FromBounds(Math.Max(line.Start, site.Offset - 40), site.Offset))}' → {target} ({(candidateWords.Contains(target) ? "ranked out" : "not collected")})");
                    }
                }
            }
            currentTabs = [];
            host.DocumentClosed(uri); // back to the text on disk
        }
        var (managedAfterRun, workingSetAfterRun) = Memory();

        var rows = recall.OrderBy(r => r.Key.Kind == "all" ? 0 : 1).ThenBy(r => r.Key.Kind, StringComparer.Ordinal).ThenBy(r => r.Key.Budget)
            .Select(r => new RecallRow(r.Key.Budget, r.Key.Kind, r.Value.Sites, r.Value.Targets, r.Value.Semantic, r.Value.Baseline)).ToList();
        var report = new ContextBenchmarkReport(load, sourceLines, firstContext, managedAfterLoad, workingSetAfterLoad, managedAfterRun, workingSetAfterRun,
            sampled.Count, warm, afterEdit, baselineTimes, rows) { WarmCpuMs = warmCpu, AfterEditCpuMs = afterEditCpu, ReusedModelSites = reusedSites, WarmUp = warmUp };
        await WriteAsync(report, output, total.Elapsed).ConfigureAwait(false);
        if (options.ShowMisses > 0)
        {
            await output.WriteLineAsync("Time per phase (total over all sites):").ConfigureAwait(false);
            foreach (var (phase, ms) in phaseTotals.OrderBy(p => p.Key, StringComparer.Ordinal))
                await output.WriteLineAsync(Invariant($"  {phase,-26} {ms,9:F0} ms")).ConfigureAwait(false);
            await output.WriteLineAsync("Slowest sites after an edit: " + string.Join("; ", slowest.OrderByDescending(x => x.Ms).Take(12).Select(x => Invariant($"{x.Site} {x.Ms:F0} ms")))).ConfigureAwait(false);
            await output.WriteLineAsync("Why the earlier model could not be reused: " + string.Join("; ", reuseFailures.Select(r => $"{r.Key}: {r.Value}"))).ConfigureAwait(false);
            await output.WriteLineAsync($"Recall misses at {options.Budgets.Min()} tokens (first {misses.Count}):").ConfigureAwait(false);
            foreach (var miss in misses) await output.WriteLineAsync("  " + miss).ConfigureAwait(false);
        }
        return report;
    }

    private static async Task WriteAsync(ContextBenchmarkReport report, TextWriter output, TimeSpan elapsed)
    {
        static string Stats(IReadOnlyList<double> ms) => Invariant(
            $"p50 {ContextBenchmarkReport.Percentile(ms, 50),6:F2} ms   p95 {ContextBenchmarkReport.Percentile(ms, 95),6:F2} ms   max {(ms.Count == 0 ? 0 : ms.Max()),7:F2} ms");
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"Context build time over {report.Sites} sites (collect + pack at the largest budget):")).ConfigureAwait(false);
        await output.WriteLineAsync($"  warm snapshot          {Stats(report.WarmMs)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  right after an edit    {Stats(report.AfterEditMs)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  baseline (snippets)    {Stats(report.BaselineMs)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  CPU time, warm         {Stats(report.WarmCpuMs)}").ConfigureAwait(false);
        await output.WriteLineAsync($"  CPU time, after edit   {Stats(report.AfterEditCpuMs)}").ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"  (after an edit, the earlier semantic model was reused at {report.ReusedModelSites} of {report.Sites} sites; the others bound a new compilation)")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"Memory: after load {Mb(report.ManagedBytesAfterLoad)} managed / {Mb(report.WorkingSetAfterLoad)} working set; after the run {Mb(report.ManagedBytesAfterRun)} / {Mb(report.WorkingSetAfterRun)} (no model loaded)")).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("Recall: identifiers of the true continuation declared outside the visible window and not written in it,").ConfigureAwait(false);
        await output.WriteLineAsync("found in the packed context (Roslyn context with snippet fallback vs. Jaccard snippets alone):").ConfigureAwait(false);
        await output.WriteLineAsync("  sites        budget   sites  targets   roslyn   baseline").ConfigureAwait(false);
        foreach (var row in report.Recall)
        {
            await output.WriteLineAsync(Invariant(
                $"  {row.SiteKind,-12} {row.Budget,6} {row.Sites,7} {row.Targets,8} {row.SemanticRecall,8:P1} {row.BaselineRecall,10:P1}")).ConfigureAwait(false);
        }
        await output.WriteLineAsync(Invariant($"Benchmark took {elapsed.TotalSeconds:F1} s.")).ConfigureAwait(false);
    }

    /// <summary>After a '.' of a member access, and at the first identifier of a statement, where the line goes on.</summary>
    private static IEnumerable<Site> FindSites(Document document, SyntaxNode root, SourceText text)
    {
        foreach (var token in root.DescendantTokens())
        {
            string kind;
            int offset;
            if (token.IsKind(SyntaxKind.DotToken) && token.Parent is MemberAccessExpressionSyntax { Name: IdentifierNameSyntax or GenericNameSyntax })
            {
                kind = "after-dot";
                offset = token.Span.End;
            }
            else if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent?.FirstAncestorOrSelf<StatementSyntax>() is { } statement &&
                     statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax && statement.SpanStart == token.SpanStart)
            {
                kind = "line-start";
                offset = token.SpanStart;
            }
            else continue;
            var line = text.Lines.GetLineFromPosition(offset);
            var rest = text.ToString(TextSpan.FromBounds(offset, line.End));
            if (!rest.Any(char.IsLetter)) continue;
            yield return new Site(document.Id, document.FilePath!, offset, line.End, kind);
        }
    }

    private static List<Site> Sample(List<Site> sites, int max)
    {
        if (sites.Count <= max) return sites;
        var step = (double)sites.Count / max;
        return Enumerable.Range(0, max).Select(i => sites[(int)(i * step)]).ToList();
    }

    /// <summary>
    /// The identifiers the model must produce that the visible text does not give it: bound to a symbol declared
    /// outside the window (another file, metadata, or far away in this file) and not written anywhere in the window.
    /// </summary>
    private static List<string> Targets(SyntaxNode root, SemanticModel model, Site site, TextSpan originalWindow, HashSet<string> visibleWords, CancellationToken ct)
    {
        var targets = new List<string>();
        foreach (var token in root.DescendantTokens(TextSpan.FromBounds(site.Offset, site.LineEnd)))
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.SpanStart < site.Offset || token.Span.End > site.LineEnd) continue;
            if (visibleWords.Contains(token.ValueText)) continue;
            var node = token.Parent;
            if (node is null) continue;
            var symbol = model.GetSymbolInfo(node, ct) is var info && info.Symbol is not null ? info.Symbol : info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(node, ct);
            if (symbol is null or INamespaceSymbol or ILocalSymbol or IParameterSymbol or ILabelSymbol or IRangeVariableSymbol) continue;
            if (symbol.Locations.Any(l => l.IsInSource && l.SourceTree == root.SyntaxTree && originalWindow.Contains(l.SourceSpan.Start))) continue;
            if (!targets.Contains(token.ValueText)) targets.Add(token.ValueText);
        }
        return targets;
    }

    /// <summary>
    /// The simulated open tabs: other files of the same folder, then of the same project, then of the projects it
    /// references, in path order. Generous to the baseline: these are the files most likely related.
    /// </summary>
    private static IReadOnlyList<RecentDocument> OpenTabs(Solution solution, Document current, int count)
    {
        var folder = Path.GetDirectoryName(current.FilePath);
        var project = current.Project;
        var candidates = project.Documents.Where(d => d.Id != current.Id && d.FilePath is { } f && !IsGenerated(f))
            .OrderBy(d => Path.GetDirectoryName(d.FilePath) == folder ? 0 : 1).ThenBy(d => d.FilePath, StringComparer.Ordinal)
            .Concat(project.ProjectReferences.Select(r => solution.GetProject(r.ProjectId)).OfType<Project>()
                .SelectMany(p => p.Documents.Where(d => d.FilePath is { } f && !IsGenerated(f)).OrderBy(d => d.FilePath, StringComparer.Ordinal)))
            .Take(count);
        return candidates.Select(d => new RecentDocument(d.FilePath!, d.GetTextAsync().GetAwaiter().GetResult())).ToList();
    }

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsLetter(text[i]) || text[i] == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                words.Add(text[start..i]);
            }
            else i++;
        }
        return words;
    }

    private static bool IsGenerated(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.EndsWith(".g.cs", StringComparison.OrdinalIgnoreCase);

    private static (long Managed, long WorkingSet) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    private static string Mb(long bytes) => Invariant($"{bytes / (1024.0 * 1024.0):F0} MB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
