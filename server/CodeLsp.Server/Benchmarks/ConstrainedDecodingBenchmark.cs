using System.Diagnostics;
using System.Globalization;
using System.Text;
using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Constraints;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Constraints;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench constrained</c>: what constraining the first identifier costs and what it buys. At seeded
/// member-access sites of a solution (the rest of the line removed), each model completes every site twice through the
/// real pipeline (context, compile check), once with <c>constrainedDecoding</c> off and once on, in alternating order;
/// printed side by side: time per generated token, the constraint's own share of the generation time, how often the
/// first identifier is a real member, and how often the compile check still drops the suggestion. Then the mask's cost
/// per step on a synthetic 150k-token vocabulary (the size of real code models' vocabularies) with this solution's lists.
/// </summary>
internal sealed class ConstrainedDecodingBenchmark(TextWriter output, int threads, int showRejected = 0)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Site(string Path, int Offset, string Text, string Truth);

    private sealed record Run(Site Site, CompletionTrace Trace, string Identifier);

    public async Task<int> RunAsync(string folder, IReadOnlyList<(string Name, string Path)> models, int maxSites, int seed, int prompts, int repetitions, Serilog.ILogger logger, CancellationToken ct)
    {
        using var workspace = new WorkspaceHost(logger);
        await workspace.LoadAsync(folder, trusted: true, progress: null, ct).ConfigureAwait(false);
        output.WriteLine($"Workspace: {workspace.State}");
        if (workspace.State.Mode != WorkspaceMode.MSBuild)
        {
            output.WriteLine("The compile check runs only on documents of loaded projects; this folder did not load with MSBuild.");
            return 1;
        }

        var sites = await SitesAsync(workspace, maxSites, seed, ct).ConfigureAwait(false);
        output.WriteLine(string.Create(Inv, $"{sites.Count} member-access sites (seed {seed}), rest of the line removed; each completed with the constraint off and on"));
        var lookups = await LookupTimesAsync(workspace, sites, ct).ConfigureAwait(false);
        output.WriteLine(string.Create(Inv, $"identifier list (Roslyn LookupSymbols, warm): p50 {P(lookups.Times, 50):F2} ms, p95 {P(lookups.Times, 95):F2} ms; {lookups.Names.Count} of {sites.Count} sites constrained, median {P(lookups.Names.Values.Select(n => (double)n.Count).ToList(), 50):F0} names"));

        var perTokenLarge = double.NaN;
        foreach (var (name, path) in models)
        {
            using var host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = path, Threads = threads, ContextSize = 4096 }, null, ct, logger).ConfigureAwait(false);
            var engine = new LocalEngine(host);
            var onOff = new Dictionary<bool, List<Run>> { [false] = [], [true] = [] };
            for (var i = 0; i < sites.Count; i++)
            {
                // Alternate which goes first, so neither always finds the prompt in the KV cache or the CPU caches warm.
                foreach (var constrained in i % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    onOff[constrained].Add(await CompleteAsync(workspace, engine, sites[i], constrained, logger, ct).ConfigureAwait(false));
                }
            }

            Print(name, onOff[false], onOff[true], lookups.Names);
            await PrintIdentifierChecksAsync(workspace, onOff[true], ct).ConfigureAwait(false);
            perTokenLarge = await PrintDecodingCostAsync(host, [.. onOff[true].Select(r => r.Trace.Prompt).OfType<FimPrompt>().Where(p => p.FirstIdentifier is not null).Take(prompts)], repetitions, ct).ConfigureAwait(false);
        }

        PrintLargeVocabulary(lookups.Names.Values.ToList(), perTokenLarge);
        return 0;
    }

    /// <summary>Member accesses inside method bodies whose true continuation starts with a name; a seeded sample of them.</summary>
    private static async Task<List<Site>> SitesAsync(WorkspaceHost workspace, int maxSites, int seed, CancellationToken ct)
    {
        var all = new List<Site>();
        foreach (var document in workspace.CurrentSolution.Projects.SelectMany(p => p.Documents)
                     .Where(d => d.FilePath?.EndsWith(".cs", StringComparison.Ordinal) == true && !d.FilePath.Contains("/obj/", StringComparison.Ordinal))
                     .OrderBy(d => d.FilePath, StringComparer.Ordinal))
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var text = await document.GetTextAsync(ct).ConfigureAwait(false);
            foreach (var access in root!.DescendantNodes().OfType<MemberAccessExpressionSyntax>())
            {
                if (access.FirstAncestorOrSelf<BlockSyntax>() is null) continue;
                var offset = access.OperatorToken.Span.End;
                var line = text.Lines.GetLineFromPosition(offset);
                var truth = text.ToString(TextSpan.FromBounds(offset, line.End)).TrimEnd();
                if (truth.Length < 2 || !char.IsLetter(truth[0])) continue;
                var masked = text.WithChanges(new TextChange(TextSpan.FromBounds(offset, line.End), "")).ToString();
                all.Add(new Site(document.FilePath!, offset, masked, truth));
            }
        }

        var random = new Random(seed);
        return [.. all.OrderBy(_ => random.Next()).Take(maxSites)];
    }

    private static async Task<(List<double> Times, Dictionary<Site, IReadOnlyList<string>> Names)> LookupTimesAsync(WorkspaceHost workspace, List<Site> sites, CancellationToken ct)
    {
        var times = new List<double>();
        var names = new Dictionary<Site, IReadOnlyList<string>>();
        foreach (var site in sites)
        {
            var siteUri = new Uri(site.Path);
            var document = workspace.GetDocument(siteUri, SourceText.From(site.Text));
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (IdentifierSite.Find(root!, site.Offset) is not { } found) { workspace.DocumentClosed(siteUri); continue; }
            await AllowedIdentifierLookup.LookupAsync(document, found, ct).ConfigureAwait(false); // warm: the first pays for the compilation
            var allowed = await AllowedIdentifierLookup.LookupAsync(document, found, ct).ConfigureAwait(false);
            workspace.DocumentClosed(siteUri);
            if (allowed is null) continue;
            times.Add(allowed.Elapsed.TotalMilliseconds);
            names[site] = allowed.Names;
        }

        return (times, names);
    }

    private static async Task<Run> CompleteAsync(WorkspaceHost workspace, IInferenceEngine engine, Site site, bool constrained, Serilog.ILogger logger, CancellationToken ct)
    {
        var options = new PipelineOptions
        {
            ConstrainedDecoding = constrained,
            // Long enough that both runs get their context and list: this measures decoding, not the waits.
            ContextWait = TimeSpan.FromSeconds(5),
            TimeLimit = TimeSpan.FromSeconds(30),
            Trigger = new TriggerOptions { MinDebounceMs = 0 },
        };
        var pipeline = new InlineCompletionPipeline(engine, options, logger, workspace: workspace);
        CompletionTrace? trace = null;
        pipeline.Completed += (_, t) => trace = t;
        var uri = new Uri(site.Path);
        var state = new DocumentStore().Open(uri, "csharp", 1, site.Text);
        try
        {
            await pipeline.CompleteAsync(new InlineCompletionQuery(state, site.Offset, CompletionTrigger.Invoked), ct).ConfigureAwait(false);
        }
        finally
        {
            workspace.DocumentClosed(uri);
        }

        var text = trace?.Model?.Text ?? "";
        return new Run(site, trace!, new string([.. text.TakeWhile(c => char.IsLetterOrDigit(c) || c == '_')]));
    }

    /// <summary>
    /// The cost per decoded token measured on the engine alone: the same prompts (with their real lists), the same
    /// number of tokens, constrained and not, interleaved. Only the mask differs between the two.
    /// </summary>
    /// <returns>The median time per token without the constraint (ms).</returns>
    private async Task<double> PrintDecodingCostAsync(ModelHost host, List<FimPrompt> prompts, int repetitions, CancellationToken ct)
    {
        var limits = new GenerationLimits(32, Timeout.InfiniteTimeSpan);
        var off = new List<double>();
        var on = new List<double>();
        var ratios = new List<double>();
        var cpuOff = new List<double>();
        var cpuOn = new List<double>();
        var constrainedSteps = new List<double>();
        double maskMs = 0, generationMs = 0;
        using var process = Process.GetCurrentProcess();
        foreach (var prompt in prompts)
        {
            var plain = prompt with { FirstIdentifier = null };
            await host.CompleteAsync(plain, limits, ct).ConfigureAwait(false);
            var promptOff = new List<double>();
            var promptOn = new List<double>();
            for (var r = 0; r < repetitions; r++)
            {
                foreach (var constrained in r % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    process.Refresh();
                    var cpu = process.TotalProcessorTime;
                    var completion = await host.CompleteAsync(constrained ? prompt : plain, limits, ct).ConfigureAwait(false);
                    process.Refresh();
                    var tokens = Math.Max(1, completion.GeneratedTokens);
                    // CPU time is not inflated by the time the thread waits for a core on a busy machine.
                    (constrained ? cpuOn : cpuOff).Add((process.TotalProcessorTime - cpu).TotalMilliseconds / tokens);
                    (constrained ? promptOn : promptOff).Add(completion.GenerationTime.TotalMilliseconds / tokens);
                    if (completion.Constraint is { } report)
                    {
                        constrainedSteps.Add(report.Steps);
                        maskMs += report.Time.TotalMilliseconds;
                        generationMs += completion.GenerationTime.TotalMilliseconds;
                    }
                }
            }

            off.AddRange(promptOff);
            on.AddRange(promptOn);
            ratios.Add(P(promptOn, 50) / P(promptOff, 50));
        }

        output.WriteLine(string.Create(Inv, $"engine alone, {prompts.Count} prompts x {repetitions} interleaved pairs, 32 tokens each ({P(constrainedSteps, 50):F0} of them constrained, median):"));
        output.WriteLine(string.Create(Inv, $"  wall per token: off {P(off, 50):F3} ms, on {P(on, 50):F3} ms, ratio {P(on, 50) / P(off, 50):F3} (per prompt: median {P(ratios, 50):F3}, max {(ratios.Count == 0 ? double.NaN : ratios.Max()):F3}); min off {Min(off):F3}, on {Min(on):F3}"));
        output.WriteLine(string.Create(Inv, $"  CPU per token (process): off {P(cpuOff, 50):F3} ms, on {P(cpuOn, 50):F3} ms, ratio {P(cpuOn, 50) / P(cpuOff, 50):F3}; the mask's own time: {100 * maskMs / Math.Max(1e-9, generationMs):F2}% of the constrained runs' generation"));
        return P(off, 50);

        static double Min(List<double> values) => values.Count == 0 ? double.NaN : values.Min();
    }

    /// <summary>
    /// The first identifier of each constrained suggestion alone, compile-checked at its site: whether the compiler
    /// agrees with the list it was chosen from. A name error about the identifier itself (no such member, not
    /// accessible, static where an instance is needed or the reverse) would mean the list was wrong; other errors mean
    /// the name exists but does not fit there (a type the expression does not accept, a method group not yet called).
    /// </summary>
    private async Task PrintIdentifierChecksAsync(WorkspaceHost workspace, List<Run> runs, CancellationToken ct)
    {
        var rejected = new List<string>();
        var checkedCount = 0;
        var nameErrors = 0;
        foreach (var run in runs.Where(r => r.Identifier.Length > 0 && r.Trace.Model?.Constraint is { Unfinished: false }))
        {
            var uri = new Uri(run.Site.Path);
            try
            {
                var document = workspace.GetDocument(uri, SourceText.From(run.Site.Text));
                var verdict = await SuggestionCompileCheck.CheckAsync(document, run.Site.Offset, run.Identifier, ct).ConfigureAwait(false);
                checkedCount++;
                if (verdict.Introduces) rejected.Add($".{run.Identifier} → {string.Join("; ", verdict.NewErrors)}");
                // A method's name alone is a method group, which some places reject by name: call it before blaming the list.
                if (verdict.NewErrors.Any(e => IsNameError(e, run.Identifier)) &&
                    (await SuggestionCompileCheck.CheckAsync(document, run.Site.Offset, run.Identifier + "()", ct).ConfigureAwait(false)).NewErrors.Any(e => IsNameError(e, run.Identifier)))
                {
                    nameErrors++;
                }
            }
            finally
            {
                workspace.DocumentClosed(uri);
            }
        }

        output.WriteLine(string.Create(Inv, $"the constrained first identifier alone, compile-checked: rejected {rejected.Count}/{checkedCount}; a name error about the identifier itself (the list wrong) {nameErrors}, the rest: exists but does not fit there"));
        foreach (var line in rejected.Take(3)) output.WriteLine("    " + line);
    }

    private void Print(string model, List<Run> off, List<Run> on, Dictionary<Site, IReadOnlyList<string>> names)
    {
        static List<double> PerToken(IEnumerable<Run> runs) =>
            [.. runs.Where(r => r.Trace.Model is { GeneratedTokens: >= 4 }).Select(r => r.Trace.Model!.GenerationTime.TotalMilliseconds / r.Trace.Model.GeneratedTokens)];

        var offPerToken = PerToken(off);
        var onPerToken = PerToken(on);
        var paired = off.Zip(on).Where(p => p.First.Trace.Model is { GeneratedTokens: >= 4 } && p.Second.Trace.Model is { GeneratedTokens: >= 4 })
            .Select(p => p.Second.Trace.Model!.GenerationTime.TotalMilliseconds / p.Second.Trace.Model.GeneratedTokens /
                         (p.First.Trace.Model!.GenerationTime.TotalMilliseconds / p.First.Trace.Model.GeneratedTokens)).ToList();
        var reports = on.Select(r => r.Trace.Model?.Constraint).OfType<ConstraintReport>().ToList();
        var constraintMs = reports.Sum(r => r.Time.TotalMilliseconds);
        var generationMs = on.Where(r => r.Trace.Model?.Constraint is not null).Sum(r => r.Trace.Model!.GenerationTime.TotalMilliseconds);
        var steps = reports.Sum(r => r.Steps);
        var perStepUs = reports.Where(r => r.Steps > 0).Select(r => r.Time.TotalMicroseconds / r.Steps).ToList();

        output.WriteLine();
        output.WriteLine($"== {model} ==");
        output.WriteLine(string.Create(Inv, $"through the pipeline, time per generated token, median:  off {P(offPerToken, 50):F3} ms   on {P(onPerToken, 50):F3} ms   ratio {P(onPerToken, 50) / P(offPerToken, 50):F3}   (paired per site: median {P(paired, 50):F3}, p95 {P(paired, 95):F3})"));
        output.WriteLine(string.Create(Inv, $"constraint's own time: {constraintMs:F2} ms of {generationMs:F1} ms generation ({100 * constraintMs / Math.Max(1e-9, generationMs):F2}%); {steps} constrained steps in {reports.Count} suggestions, {reports.Sum(r => r.Overridden)} overridden; per step p50 {P(perStepUs, 50):F1} µs, p95 {P(perStepUs, 95):F1} µs"));

        (int Member, int Known) Members(List<Run> runs)
        {
            var known = runs.Where(r => names.ContainsKey(r.Site)).ToList();
            return (known.Count(r => names[r.Site].Contains(r.Identifier, StringComparer.Ordinal)), known.Count);
        }

        var (offMember, offKnown) = Members(off);
        var (onMember, onKnown) = Members(on);
        output.WriteLine(string.Create(Inv, $"first identifier is a real member:  off {offMember}/{offKnown} ({Pct(offMember, offKnown)})   on {onMember}/{onKnown} ({Pct(onMember, onKnown)})"));
        foreach (var (label, runs) in new[] { ("off", off), ("on", on) })
        {
            var outcomes = runs.GroupBy(r => r.Trace.Outcome).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
            var checkedCount = runs.Count(r => r.Trace.CompileCheck is not null);
            var rejected = runs.Count(r => r.Trace.CompileCheck is { Introduces: true });
            static bool UnknownMember(string e) => e.StartsWith("CS1061", StringComparison.Ordinal) || e.StartsWith("CS0117", StringComparison.Ordinal);
            var unknownMember = runs.Count(r => r.Trace.CompileCheck is { Introduces: true } v && v.NewErrors.Any(UnknownMember));
            // The unknown member is the first identifier itself (what the constraint is about), not a later one.
            var unknownFirst = runs.Count(r => r.Identifier.Length > 0 && r.Trace.CompileCheck is { Introduces: true } v &&
                v.NewErrors.Any(e => UnknownMember(e) && e.Contains($"'{r.Identifier}'", StringComparison.Ordinal)));
            output.WriteLine(string.Create(Inv, $"compile check, {label,-3}: rejected {rejected}/{checkedCount} ({Pct(rejected, checkedCount)}); unknown member anywhere {unknownMember}, as the first identifier {unknownFirst}; outcomes: {string.Join(", ", outcomes)}"));
            foreach (var example in runs.Where(r => r.Trace.CompileCheck is { Introduces: true }).Take(showRejected))
            {
                var shown = example.Trace.Model!.Text.ReplaceLineEndings(" ");
                output.WriteLine($"    {label} rejected: .{(shown.Length > 50 ? shown[..50] + "…" : shown)}  → {string.Join("; ", example.Trace.CompileCheck!.NewErrors)}");
            }
        }
    }

    /// <summary>
    /// The mask on a synthetic 150k-token vocabulary (every 1–3 letter string, space-prefixed words, punctuation): more
    /// tokens share a prefix with any name than in a real BPE vocabulary, so this is a pessimistic case. Every step is
    /// forced through the masked choice (the model's token never allowed), the slow path.
    /// </summary>
    private void PrintLargeVocabulary(List<IReadOnlyList<string>> lists, double perTokenMs)
    {
        var clock = Stopwatch.StartNew();
        var tokens = new List<(int, byte[])>();
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        void Add(string text) => tokens.Add((tokens.Count, Encoding.UTF8.GetBytes(text)));
        for (var b = 0; b < 128; b++) Add(((char)b).ToString());
        foreach (var a in letters) foreach (var b in letters) { Add($"{a}{b}"); Add($" {a}{b}"); foreach (var c in letters) Add($"{a}{b}{c}"); }
        foreach (var p in new[] { "()", "();", "(\"", ")", ");", ".", ", ", " =", " ==", " (", "[", "]", "{", " {", "}", ";\n", "\n", "    ", "        ", "<", ">", " =>", "?." }) Add(p);
        var trie = new VocabularyTrie(tokens);
        var buildMs = clock.Elapsed.TotalMilliseconds;

        var random = new Random(3);
        var logits = new float[trie.MaxId + 2];
        var perStep = new List<double>();
        var setup = new List<double>();
        foreach (var names in lists.Where(l => l.Count > 0))
        {
            for (var i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble();
            var mask = new IdentifierMask(new IdentifierConstraint(names), trie, []);
            while (mask.IsActive)
            {
                var token = mask.Choose(logits, trie.MaxId + 1, greedyStops: false);
                if (token < 0) break;
                mask.Accept(token);
            }

            var report = mask.Report;
            setup.Add(report.SetupTime.TotalMicroseconds);
            if (report.Steps > 0) perStep.Add((report.Time - report.SetupTime).TotalMicroseconds / report.Steps);
        }

        output.WriteLine();
        output.WriteLine(string.Create(Inv, $"== mask on a synthetic {trie.Count:N0}-token vocabulary (built in {buildMs:F0} ms), this solution's {lists.Count} lists, every step masked =="));
        output.WriteLine(string.Create(Inv, $"per masked step: p50 {P(perStep, 50):F1} µs, p95 {P(perStep, 95):F1} µs, max {(perStep.Count == 0 ? 0 : perStep.Max()):F1} µs; names' trie set-up p50 {P(setup, 50):F1} µs, p95 {P(setup, 95):F1} µs"));
        if (!double.IsNaN(perTokenMs))
        {
            output.WriteLine(string.Create(Inv, $"p95 step against the last model's {perTokenMs:F3} ms per token: {100 * P(perStep, 95) / 1000 / perTokenMs:F2}%"));
        }
    }

    /// <summary>An error that says the name itself is wrong here: unknown, inaccessible, or static/instance mismatched.</summary>
    private static bool IsNameError(string error, string identifier) =>
        error.StartsWith("CS0122", StringComparison.Ordinal) || error.StartsWith("CS0120", StringComparison.Ordinal) || error.StartsWith("CS0176", StringComparison.Ordinal) ||
        (error.StartsWith("CS1061", StringComparison.Ordinal) || error.StartsWith("CS0117", StringComparison.Ordinal) || error.StartsWith("CS0103", StringComparison.Ordinal)) &&
        error.Contains($"'{identifier}'", StringComparison.Ordinal);

    private static string Pct(int part, int whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", Inv) + "%";

    private static double P(IReadOnlyList<double> values, int percentile) => values.Count == 0 ? double.NaN : ContextBenchmarkReport.Percentile(values, percentile);
}
