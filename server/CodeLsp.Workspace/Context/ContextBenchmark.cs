using System.Diagnostics;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using CodeLsp.Workspace.Context.Evaluation;
using Serilog;

namespace CodeLsp.Workspace.Context;

public sealed record ContextBenchmarkOptions
{
    /// <summary>Completion sites to sample: half after a '.', half at identifier starts (<see cref="CompletionSiteSampler.Sample"/>).</summary>
    public int MaxSites { get; init; } = 300;

    /// <summary>The sample's seed: tune on some seeds, report others.</summary>
    public int Seed { get; init; } = 1;

    public IReadOnlyList<int> Budgets { get; init; } = [256, 512, 1024];

    /// <summary>
    /// The visible window: the lines before and after the caret that the prompt carries as text. A word written
    /// there is no target, and declarations there are not repeated as context.
    /// </summary>
    public int PrefixLines { get; init; } = 40;

    public int SuffixLines { get; init; } = 10;

    /// <summary>The token counter for a budget: the model's tokenizer when one is given, else the estimate.</summary>
    public Func<int, ContextBudget> Budget { get; init; } = ContextBudget.Estimated;

    /// <summary>How many "open tabs" feed the similar-snippet baseline (and the engine's snippet fallback).</summary>
    public int OpenTabs { get; init; } = 8;

    public bool Trusted { get; init; } = true;

    /// <summary>How multi-targeted projects are loaded (default: one target framework each).</summary>
    public WorkspaceLoadOptions? Load { get; init; }

    /// <summary>Build all compilations before the first context (as the server does in the background after loading).</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Called after each memory measurement ("after load", "after the run"); what it returns is printed (the solution benchmark's breakdown).</summary>
    public Func<string, string>? DescribeMemory { get; init; }

    /// <summary>Print the time per collection phase and this many recall misses (for tuning).</summary>
    public int ShowMisses { get; init; }
}

/// <summary>
/// Recall of one slice of the sites at one budget. <see cref="Collected"/>: targets some candidate item held (found
/// or not); <see cref="Truncated"/>: collected but cut by the budget; <see cref="SitesLost"/>: sites where a target
/// was collected and cut.
/// </summary>
public sealed record RecallRow(int Budget, string SiteKind, int Sites, int Targets, int SemanticHits, int BaselineHits)
{
    public int Collected { get; init; }

    public int Truncated { get; init; }

    public int SitesLost { get; init; }

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
    /// <summary>Recall split by where the target is declared (<see cref="TargetHomes"/>); SiteKind holds the home.</summary>
    public IReadOnlyList<RecallRow> RecallByHome { get; init; } = [];

    public string Tokenizer { get; init; } = ContextBudget.EstimateName;

    /// <summary>Process CPU time per request: robust against other processes competing for the cores.</summary>
    public IReadOnlyList<double> WarmCpuMs { get; init; } = [];

    public IReadOnlyList<double> AfterEditCpuMs { get; init; } = [];

    /// <summary>Sites where the edit stayed inside a body and the earlier semantic model was reused.</summary>
    public int ReusedModelSites { get; init; }

    public TimeSpan WarmUp { get; init; }

    /// <summary>After load: as the server is once the workspace is loaded (projects read, usage index counted, no compilation yet).</summary>
    /// <remarks>After the warm-up: every project's compilation and declarations built, before the first request.</remarks>
    public long WorkingSetAfterWarmUp { get; init; }

    /// <summary>The working set at the end of the run before the server's idle trim (<see cref="WorkingSetAfterRun"/> is after it).</summary>
    public long WorkingSetBeforeIdleTrim { get; init; }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// Measures the context engine on a real solution: load time, memory, context build time at seeded completion sites
/// (warm, and right after an edit), and recall. A site is a place in the solution's own code right after a '.' or at
/// the start of an identifier (<see cref="CompletionSiteSampler"/>); the "edit" masks the true rest of the line through
/// the open-document overlay (what the user is about to type; never read from disk), and the context is built on
/// that snapshot. Recall: the share of the identifiers of the true rest of the line that the visible window does not
/// show (<see cref="ContinuationTargets"/>) and that the packed context text contains, against a Jaccard-window
/// baseline over all the other files of the solution, at each budget, counted by the stated tokenizer.
/// </summary>
public static class ContextBenchmark
{
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
                interim.Documents.Where(d => d.FilePath is { } f && !CompletionSiteSampler.IsGenerated(f)).OrderBy(d => d.FilePath, StringComparer.Ordinal).FirstOrDefault() is { } probe)
            {
                var probeText = await probe.GetTextAsync(ct).ConfigureAwait(false);
                var probeContext = await new SemanticContextBuilder().BuildAsync(host.GetDocument(new Uri(probe.FilePath!), probeText), probeText.Length / 2, options.Budget(1024), ct).ConfigureAwait(false);
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
        var documents = CompletionSiteSampler.SourceDocuments(solution);
        // One long-lived builder, as in the server: it keeps the last full semantic model per document for reuse.
        IReadOnlyList<RecentDocument> currentTabs = [];
        var builder = new SemanticContextBuilder(() => currentTabs);

        // As the server is once the workspace is loaded: the usage index counted (it parses every file), memory given
        // back at once and again after its quiet period (what the loader lets go of in the seconds after loading).
        var indexClock = Stopwatch.StartNew();
        builder.IndexUsage(solution, ct);
        var usageIndex = indexClock.Elapsed;
        ProcessMemory.Trim();
        await Task.Delay(ProcessMemory.IdleTrimQuietPeriod, ct).ConfigureAwait(false);
        ProcessMemory.Trim();
        var (managedAfterLoad, workingSetAfterLoad) = Memory();
        if (options.DescribeMemory is { } describe) await output.WriteLineAsync(describe("after load")).ConfigureAwait(false);

        // Warm-up (every compilation at once, as after the user has worked in every project; the server builds each as
        // requests need it), then the first context a completion request would get.
        var warmUpClock = Stopwatch.StartNew();
        if (options.WarmUp) await host.WarmUpAsync(ct).ConfigureAwait(false);
        var warmUp = warmUpClock.Elapsed;
        var firstClock = Stopwatch.StartNew();
        if (documents.Count > 0)
        {
            var first = documents[0];
            var firstText = await first.GetTextAsync(ct).ConfigureAwait(false);
            await builder.BuildAsync(first, firstText.Length / 2, options.Budget(1024), ct).ConfigureAwait(false);
        }
        var firstContext = firstClock.Elapsed;
        ProcessMemory.Trim();
        var (managedAfterWarmUp, workingSetAfterWarmUp) = Memory();
        if (options.DescribeMemory is { } describeWarm) await output.WriteLineAsync(describeWarm("after the warm-up")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"Load {load.Elapsed.TotalSeconds:F2} s; usage index {usageIndex.TotalMilliseconds:F0} ms; memory after load {Mb(managedAfterLoad)} managed, {Mb(workingSetAfterLoad)} working set; warm-up (compilations and declarations) {warmUp.TotalMilliseconds:F0} ms; first context {firstContext.TotalMilliseconds:F0} ms later; memory after the warm-up {Mb(managedAfterWarmUp)} managed, {Mb(workingSetAfterWarmUp)} working set")).ConfigureAwait(false);

        var sites = new List<CompletionSite>();
        var sourceLines = 0;
        var allFiles = new List<RecentDocument>(documents.Count);
        foreach (var document in documents)
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            sourceLines += text.Lines.Count;
            allFiles.Add(new RecentDocument(document.FilePath!, text));
            if (root is not null) sites.AddRange(CompletionSiteSampler.FindSites(document, root, text));
        }
        var sampled = CompletionSiteSampler.Sample(sites, options.MaxSites, options.Seed);
        var siteCount = sites.Count;
        sites = []; // the benchmark's own list of every site in the solution (100k+ on a big one) is not the server's memory
        await output.WriteLineAsync(Invariant($"{documents.Count} documents, {sourceLines} lines, {siteCount} completion sites, {sampled.Count} sampled with seed {options.Seed} ({string.Join(", ", sampled.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))})")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"Tokens counted by: {options.Budget(512).Tokenizer}; visible window {options.PrefixLines} lines before / {options.SuffixLines} after the caret")).ConfigureAwait(false);

        var warm = new List<double>();
        var afterEdit = new List<double>();
        var baselineTimes = new List<double>();
        var recall = new Dictionary<(int Budget, string Kind), Tally>();
        var byHome = new Dictionary<(int Budget, string Home), Tally>();
        var snippets = new SimilarSnippetProvider();
        var maxBudget = options.Budgets.Max();
        var warmCpu = new List<double>();
        var afterEditCpu = new List<double>();
        var misses = new List<string>();
        var reusedSites = 0;
        // What the builds after an edit allocate drives how often the GC pauses one of them.
        var allocatedPerEdit = new List<double>();
        var allocatedPacking = 0.0;
        var slowest = new List<(double Ms, string Site)>();
        var reuseFailures = new Dictionary<string, int>(StringComparer.Ordinal);
        var phaseTotals = new Dictionary<string, double>(StringComparer.Ordinal);
        var spentByKind = new Dictionary<string, long>(StringComparer.Ordinal);
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
                await builder.BuildAsync(document, site.Offset, options.Budget(maxBudget), request, ct).ConfigureAwait(false);
                SemanticContextBuilder.PhaseObserver = null;
                if (pass == 1)
                {
                    warm.Add(clock.Elapsed.TotalMilliseconds);
                    warmCpu.Add((Cpu() - cpu).TotalMilliseconds);
                }
            }
        }

        // The editing run reads each site's document from the host's current snapshot, as the server does: holding the
        // load-time snapshot through the run would keep its compilations alive beside the current ones, which no
        // server does once the user has edited.
        documents = [];
        // Each site in its own call: what it holds (its snapshots, the original's semantic model and so its
        // compilation) goes with it, and is not counted as the server's memory after the run.
        solution = null!;
        foreach (var site in sampled)
        {
            ct.ThrowIfCancellationRequested();
            await MeasureEditAsync(site).ConfigureAwait(false);
        }

        async Task MeasureEditAsync(CompletionSite site)
        {
            ct.ThrowIfCancellationRequested();
            var current = host.CurrentSolution;
            var original = current.GetDocument(site.DocumentId)!;
            var originalText = await original.GetTextAsync(ct).ConfigureAwait(false);
            var originalModel = await original.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var originalRoot = await original.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (originalModel is null || originalRoot is null) return;

            // The edit: the rest of the line is what the user is about to type; it exists only in the original snapshot.
            var editedText = originalText.WithChanges(new TextChange(TextSpan.FromBounds(site.Offset, site.LineEnd), ""));
            var window = ContextRequest.WindowAround(editedText, site.Offset, options.PrefixLines, options.SuffixLines);
            var targets = ContinuationTargets.Find(originalRoot, originalModel, site, ContinuationTargets.Words(editedText.ToString(window)), ct);

            var uri = new Uri(site.Path);
            var tabs = OpenTabs(current, original, options.OpenTabs);
            currentTabs = tabs;
            // The state before the keystroke: the document as it was, with a context request answered there (in an
            // editor, the previous keystroke's). Not timed.
            var before = host.GetDocument(uri, originalText);
            await builder.CollectAsync(before, site.Offset, new ContextRequest(window), ct).ConfigureAwait(false);
            var reusedBefore = builder.ReusedModels;
            var sitePhases = new Dictionary<string, double>(StringComparer.Ordinal);
            if (options.ShowMisses > 0) SemanticContextBuilder.PhaseObserver = (phase, time) =>
            {
                phaseTotals["edit: " + phase] = phaseTotals.GetValueOrDefault("edit: " + phase) + time.TotalMilliseconds;
                sitePhases[phase] = sitePhases.GetValueOrDefault(phase) + time.TotalMilliseconds;
            };
            SemanticContextBuilder.ReuseObserver = reason => reuseFailures[reason] = reuseFailures.GetValueOrDefault(reason) + 1;
            var cpuBefore = Cpu();
            var pausedBefore = GC.GetTotalPauseDuration();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var edited = host.GetDocument(uri, editedText);
            var forked = clock.Elapsed;
            var items = await builder.CollectAsync(edited, site.Offset, new ContextRequest(window), ct).ConfigureAwait(false);
            var collectedAt = clock.Elapsed;
            var allocatedCollecting = GC.GetTotalAllocatedBytes(precise: true);
            var packedMax = ContextPacker.Pack(items, options.Budget(maxBudget));
            afterEdit.Add(clock.Elapsed.TotalMilliseconds);
            var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
            allocatedPerEdit.Add((allocatedAfter - allocatedBefore) / 1048576.0);
            allocatedPacking += (allocatedAfter - allocatedCollecting) / 1048576.0;
            // The two steps around the collectors' phases: the edited snapshot, and packing the items into the budget.
            sitePhases["document"] = forked.TotalMilliseconds;
            sitePhases["pack"] = (clock.Elapsed - collectedAt).TotalMilliseconds;
            // Collections that paused the build, whichever phase they fell in (that phase's time includes them).
            sitePhases["(of which GC pauses)"] = (GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds;
            afterEditCpu.Add((Cpu() - cpuBefore).TotalMilliseconds);
            var reused = builder.ReusedModels > reusedBefore;
            if (reused) reusedSites++;
            var topPhases = string.Join(", ", sitePhases.Where(p => p.Value >= 1).OrderByDescending(p => p.Value).Take(4).Select(p => Invariant($"{p.Key} {p.Value:F0}")));
            slowest.Add((afterEdit[^1], $"{Path.GetFileName(site.Path)}:{editedText.Lines.GetLineFromPosition(site.Offset).LineNumber + 1} {site.Kind}{(reused ? " (reused)" : "")} {items.Count} items{(topPhases.Length > 0 ? $" [{topPhases}]" : "")}"));
            SemanticContextBuilder.ReuseObserver = null;
            SemanticContextBuilder.PhaseObserver = null;

            clock.Restart();
            var baselineItems = snippets.Find(editedText, site.Offset, allFiles, site.Path);
            baselineTimes.Add(clock.Elapsed.TotalMilliseconds);

            var candidateWords = ContinuationTargets.Words(string.Join("\n", items.Select(i => i.Text + "\n" + i.Group)));
            foreach (var budget in options.Budgets)
            {
                var packed = budget == maxBudget ? packedMax : ContextPacker.Pack(items, options.Budget(budget));
                var baseline = ContextPacker.Pack(baselineItems, options.Budget(budget));
                var semanticWords = ContinuationTargets.Words(packed.Rendered);
                var baselineWords = ContinuationTargets.Words(baseline.Rendered);
                var found = targets.Count(t => semanticWords.Contains(t.Name));
                var collected = targets.Count(t => candidateWords.Contains(t.Name));
                var truncated = targets.Count(t => candidateWords.Contains(t.Name) && !semanticWords.Contains(t.Name));
                foreach (var kind in new[] { site.Kind, "all" })
                {
                    var row = recall.GetValueOrDefault((budget, kind)) ?? new Tally();
                    row.Sites++;
                    row.Targets += targets.Count;
                    row.Semantic += found;
                    row.Baseline += targets.Count(t => baselineWords.Contains(t.Name));
                    row.Collected += collected;
                    row.Truncated += truncated;
                    if (truncated > 0) row.SitesLost++;
                    recall[(budget, kind)] = row;
                }
                foreach (var target in targets)
                {
                    var row = byHome.GetValueOrDefault((budget, target.Home)) ?? new Tally();
                    row.Targets++;
                    if (semanticWords.Contains(target.Name)) row.Semantic++;
                    if (baselineWords.Contains(target.Name)) row.Baseline++;
                    if (candidateWords.Contains(target.Name)) row.Collected++;
                    if (candidateWords.Contains(target.Name) && !semanticWords.Contains(target.Name)) row.Truncated++;
                    byHome[(budget, target.Home)] = row;
                }
                if (budget == 512)
                {
                    foreach (var item in packed.Items.Where(i => i.Included))
                        spentByKind[item.Kind] = spentByKind.GetValueOrDefault(item.Kind) + ContextBudget.EstimateTokens(ContextPacker.Comment(item.Text));
                }
                if (budget == 512 && misses.Count < options.ShowMisses)
                {
                    var line = editedText.Lines.GetLineFromPosition(site.Offset);
                    var rest = originalText.ToString(TextSpan.FromBounds(site.Offset, site.LineEnd)).Trim();
                    foreach (var target in targets.Where(t => !semanticWords.Contains(t.Name)))
                    {
                        var rank = items.OrderByDescending(i => i.Score).Select((i, n) => (i, n)).FirstOrDefault(x => ContinuationTargets.Words(x.i.Text + "\n" + x.i.Group).Contains(target.Name));
                        var where = candidateWords.Contains(target.Name) ? Invariant($"cut at rank {rank.n} ({rank.i?.Kind} {rank.i?.Score:F2})") : "not collected";
                        misses.Add($"{Path.GetFileName(site.Path)}:{line.LineNumber + 1} {site.Kind} '{editedText.ToString(TextSpan.FromBounds(Math.Max(line.Start, site.Offset - 40), site.Offset)).TrimStart()}|{rest}' → {target.Name} [{target.Home}] ({where})");
                    }
                }
            }
            currentTabs = [];
            builder.DocumentClosed(WorkspaceHost.PathOf(uri)); // as the server does on didClose
            host.DocumentClosed(uri); // back to the text on disk
        }
        // The baseline's own state (every file's text and tokens, for the Jaccard snippets over the whole solution) is
        // the benchmark's, not the server's: let it go before measuring.
        allFiles = [];
        snippets = new SimilarSnippetProvider();
        var (_, workingSetBeforeTrim) = Memory();
        if (options.DescribeMemory is { } describeBefore) await output.WriteLineAsync(describeBefore("after the run, before the idle trim")).ConfigureAwait(false);
        // The user pauses: the server trims once, IdleMemoryTrimmer.QuietPeriod after the last edit.
        await Task.Delay(ProcessMemory.IdleTrimQuietPeriod, ct).ConfigureAwait(false);
        var trimClock = Stopwatch.StartNew();
        await host.TrimWhenIdleAsync(ct).ConfigureAwait(false);
        var trimTime = trimClock.Elapsed;
        var (managedAfterRun, workingSetAfterRun) = Memory();
        if (options.DescribeMemory is { } describeAfter) await output.WriteLineAsync(describeAfter("after the run")).ConfigureAwait(false);
        await output.WriteLineAsync(Invariant($"Idle trim after the run: {trimTime.TotalMilliseconds:F0} ms; working set {Mb(workingSetBeforeTrim)} before, {Mb(workingSetAfterRun)} after")).ConfigureAwait(false);

        var rows = recall.OrderBy(r => r.Key.Kind == "all" ? 0 : 1).ThenBy(r => r.Key.Kind, StringComparer.Ordinal).ThenBy(r => r.Key.Budget)
            .Select(r => r.Value.ToRow(r.Key.Budget, r.Key.Kind)).ToList();
        var homeRows = byHome.OrderBy(r => r.Key.Home, StringComparer.Ordinal).ThenBy(r => r.Key.Budget).Select(r => r.Value.ToRow(r.Key.Budget, r.Key.Home)).ToList();
        var report = new ContextBenchmarkReport(load, sourceLines, firstContext, managedAfterLoad, workingSetAfterLoad, managedAfterRun, workingSetAfterRun,
            sampled.Count, warm, afterEdit, baselineTimes, rows)
        {
            WarmCpuMs = warmCpu, AfterEditCpuMs = afterEditCpu, ReusedModelSites = reusedSites, WarmUp = warmUp, WorkingSetBeforeIdleTrim = workingSetBeforeTrim,
            WorkingSetAfterWarmUp = workingSetAfterWarmUp,
            RecallByHome = homeRows, Tokenizer = options.Budget(512).Tokenizer,
        };
        await WriteAsync(report, output, total.Elapsed).ConfigureAwait(false);
        if (allocatedPerEdit.Count > 0)
        {
            await output.WriteLineAsync(Invariant($"Allocated by a build after an edit: p50 {ContextBenchmarkReport.Percentile(allocatedPerEdit, 50):F2} MB, p95 {ContextBenchmarkReport.Percentile(allocatedPerEdit, 95):F2} MB; {allocatedPerEdit.Sum():F0} MB over {allocatedPerEdit.Count} builds, {allocatedPacking:F0} MB of it packing")).ConfigureAwait(false);
        }
        if (options.ShowMisses > 0)
        {
            await output.WriteLineAsync("Time per phase (total over all sites):").ConfigureAwait(false);
            foreach (var (phase, ms) in phaseTotals.OrderBy(p => p.Key, StringComparer.Ordinal))
                await output.WriteLineAsync(Invariant($"  {phase,-26} {ms,9:F0} ms")).ConfigureAwait(false);
            var spent = spentByKind.Values.Sum();
            await output.WriteLineAsync("Where the 512-token budget goes (item text, estimated): " + string.Join(", ", spentByKind.OrderByDescending(k => k.Value).Select(k => Invariant($"{k.Key} {100.0 * k.Value / Math.Max(1, spent):F0}%")))).ConfigureAwait(false);
            await output.WriteLineAsync("Slowest sites after an edit (and their slowest phases, ms):\n  " + string.Join("\n  ", slowest.OrderByDescending(x => x.Ms).Take(20).Select(x => Invariant($"{x.Ms:F0} ms {x.Site}")))).ConfigureAwait(false);
            await output.WriteLineAsync("Why the earlier model could not be reused: " + string.Join("; ", reuseFailures.Select(r => $"{r.Key}: {r.Value}"))).ConfigureAwait(false);
            await output.WriteLineAsync($"Recall misses at 512 tokens (first {misses.Count}):").ConfigureAwait(false);
            foreach (var miss in misses) await output.WriteLineAsync("  " + miss).ConfigureAwait(false);
        }
        return report;
    }

    private sealed class Tally
    {
        public int Sites;
        public int Targets;
        public int Semantic;
        public int Baseline;
        public int Collected;
        public int Truncated;
        public int SitesLost;

        public RecallRow ToRow(int budget, string kind) =>
            new(budget, kind, Sites, Targets, Semantic, Baseline) { Collected = Collected, Truncated = Truncated, SitesLost = SitesLost };
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
        await output.WriteLineAsync(Invariant($"Memory: after load {Mb(report.ManagedBytesAfterLoad)} managed / {Mb(report.WorkingSetAfterLoad)} working set; after the warm-up {Mb(report.WorkingSetAfterWarmUp)} working set; after the run {Mb(report.ManagedBytesAfterRun)} / {Mb(report.WorkingSetAfterRun)} (no model loaded)")).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"Recall ({report.Tokenizer}): identifiers of the true rest of the line not written in the visible window,").ConfigureAwait(false);
        await output.WriteLineAsync("found in the packed context (Roslyn context vs. Jaccard snippets over all other files of the solution).").ConfigureAwait(false);
        await output.WriteLineAsync("collected: in some candidate item; cut: collected but cut by the budget (targets / sites).").ConfigureAwait(false);
        await output.WriteLineAsync("  sites            budget   sites  targets   roslyn   baseline  collected      cut").ConfigureAwait(false);
        foreach (var row in report.Recall)
        {
            await output.WriteLineAsync(Invariant(
                $"  {row.SiteKind,-16} {row.Budget,6} {row.Sites,7} {row.Targets,8} {row.SemanticRecall,8:P1} {row.BaselineRecall,10:P1} {(row.Targets == 0 ? 0 : (double)row.Collected / row.Targets),10:P1} {row.Truncated,4} / {row.SitesLost}")).ConfigureAwait(false);
        }
        await output.WriteLineAsync("By where the target is declared:").ConfigureAwait(false);
        await output.WriteLineAsync("  declared in      budget          targets   roslyn   baseline  collected      cut").ConfigureAwait(false);
        foreach (var row in report.RecallByHome)
        {
            await output.WriteLineAsync(Invariant(
                $"  {row.SiteKind,-16} {row.Budget,6}         {row.Targets,8} {row.SemanticRecall,8:P1} {row.BaselineRecall,10:P1} {(row.Targets == 0 ? 0 : (double)row.Collected / row.Targets),10:P1} {row.Truncated,4}")).ConfigureAwait(false);
        }
        await output.WriteLineAsync(Invariant($"Benchmark took {elapsed.TotalSeconds:F1} s.")).ConfigureAwait(false);
    }

    /// <summary>
    /// The simulated open tabs that feed the engine's own snippet fallback: other files of the same folder, then of
    /// the same project, then of the projects it references, in path order.
    /// </summary>
    private static IReadOnlyList<RecentDocument> OpenTabs(Solution solution, Document current, int count)
    {
        var folder = Path.GetDirectoryName(current.FilePath);
        var project = current.Project;
        var candidates = project.Documents.Where(d => d.Id != current.Id && d.FilePath is { } f && !CompletionSiteSampler.IsGenerated(f))
            .OrderBy(d => Path.GetDirectoryName(d.FilePath) == folder ? 0 : 1).ThenBy(d => d.FilePath, StringComparer.Ordinal)
            .Concat(project.ProjectReferences.Select(r => solution.GetProject(r.ProjectId)).OfType<Project>()
                .SelectMany(p => p.Documents.Where(d => d.FilePath is { } f && !CompletionSiteSampler.IsGenerated(f)).OrderBy(d => d.FilePath, StringComparer.Ordinal)))
            .Take(count);
        return candidates.Select(d => new RecentDocument(d.FilePath!, d.GetTextAsync().GetAwaiter().GetResult())).ToList();
    }

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
