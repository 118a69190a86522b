using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CodeLsp.Features.Completion;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench compile-check</c>: how well the compiler check separates right from wrong suggestions on real
/// code. At member accesses in a solution's methods, the rest of the line after the '.' is removed; then the true
/// rest and mutated versions of it (a member that does not exist, an extra argument, an argument of the wrong type)
/// are each checked as a suggestion there. Prints how many true continuations are kept, how many mutants are
/// dropped per kind, and the time per check.
/// </summary>
internal sealed partial class CompileCheckBenchmark(TextWriter output)
{
    private sealed record Site(Document Document, int Offset, int LineEnd, string Truth, string Member);

    /// <summary>The figures of the last run (null when the folder did not load with MSBuild).</summary>
    public CompileCheckReport? Report { get; private set; }

    public async Task<int> RunAsync(string folder, int maxSites, Serilog.ILogger logger, CancellationToken ct, WorkspaceLoadOptions? load = null)
    {
        using var workspace = new WorkspaceHost(logger);
        await workspace.LoadAsync(folder, trusted: true, progress: null, ct, load).ConfigureAwait(false);
        output.WriteLine($"Workspace: {workspace.State}");
        if (workspace.State.Mode != WorkspaceMode.MSBuild)
        {
            output.WriteLine("The compile check runs only on documents of loaded projects; this folder did not load with MSBuild.");
            return 1;
        }

        var sites = new List<Site>();
        foreach (var document in workspace.CurrentSolution.Projects.SelectMany(p => p.Documents).Where(d => d.FilePath?.EndsWith(".cs", StringComparison.Ordinal) == true && !d.FilePath.Contains("/obj/", StringComparison.Ordinal)).OrderBy(d => d.FilePath, StringComparer.Ordinal))
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
                sites.Add(new Site(document, offset, line.End, truth, access.Name.Identifier.ValueText));
            }
        }
        // An even sample across the solution: every k-th site.
        var step = Math.Max(1, sites.Count / maxSites);
        var sampled = sites.Where((_, i) => i % step == 0).Take(maxSites).ToList();
        output.WriteLine($"{sites.Count} member-access sites, {sampled.Count} sampled");

        var kept = 0;
        var mutants = new Dictionary<string, (int Tried, int Dropped)>();
        var times = new List<double>();
        var referenceTimes = new List<double>();
        var speculative = 0;
        var speculativeTimes = new List<double>();
        var fallbackTimes = new List<double>();
        var disagreements = new List<string>();
        // Each candidate is checked twice, side by side: the product's check (speculative binding, else the compilation
        // with the one tree replaced) and the original check (the document forked through the workspace) as the
        // reference its verdicts must equal.
        var cpuTimes = new List<double>();
        var speculativeCpu = new List<double>();
        var compiledCpu = new List<double>();
        var referenceCpuTimes = new List<double>();
        using var process = Process.GetCurrentProcess();
        TimeSpan Cpu()
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        async Task<CompileVerdict> CheckBothAsync(Document document, int offset, string candidate)
        {
            var cpu = Cpu();
            var reference = await SuggestionCompileCheck.CheckAsync(document, offset, candidate, CompileCheckMode.ForkedDocument, ct).ConfigureAwait(false);
            var between = Cpu();
            var verdict = await SuggestionCompileCheck.CheckAsync(document, offset, candidate, CompileCheckMode.Speculative, ct).ConfigureAwait(false);
            cpuTimes.Add((Cpu() - between).TotalMilliseconds);
            (verdict.Speculative ? speculativeCpu : compiledCpu).Add(cpuTimes[^1]);
            referenceCpuTimes.Add((between - cpu).TotalMilliseconds);
            referenceTimes.Add(reference.Elapsed.TotalMilliseconds);
            times.Add(verdict.Elapsed.TotalMilliseconds);
            if (verdict.Speculative) speculative++;
            (verdict.Speculative ? speculativeTimes : fallbackTimes).Add(verdict.Elapsed.TotalMilliseconds);
            if (verdict.Introduces != reference.Introduces)
            {
                disagreements.Add($"{Path.GetFileName(document.FilePath)}: .{candidate} → {(verdict.Introduces ? "dropped" : "kept")}, reference {(reference.Introduces ? "dropped: " + string.Join("; ", reference.NewErrors) : "kept")}");
            }
            return verdict;
        }
        var wronglyDropped = new List<string>();
        var verdictCount = 0;
        var warm = true;
        foreach (var site in sampled)
        {
            var text = await site.Document.GetTextAsync(ct).ConfigureAwait(false);
            // The document as the user has it: the rest of the line not yet written.
            var document = site.Document.WithText(text.WithChanges(new TextChange(TextSpan.FromBounds(site.Offset, site.LineEnd), "")));
            if (warm)
            {
                // The first check pays for the project's compilation; a warm server has paid it already.
                await SuggestionCompileCheck.CheckAsync(document, site.Offset, site.Truth, CompileCheckMode.ForkedDocument, ct).ConfigureAwait(false);
                warm = false;
            }
            // Before the check, the pipeline has built this snapshot's context: its semantic model exists and the
            // receiver before the '.' and the names in scope are bound. Not timed.
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (model is not null && root?.FindToken(site.Offset - 1).Parent is MemberAccessExpressionSyntax { Expression: var receiver })
            {
                model.GetTypeInfo(receiver, ct);
                model.LookupSymbols(site.Offset);
            }
            var verdict = await CheckBothAsync(document, site.Offset, site.Truth).ConfigureAwait(false);
            verdictCount++;
            if (verdict.Valid) kept++;
            else
            {
                wronglyDropped.Add($"{Path.GetFileName(site.Document.FilePath)}: .{site.Truth} → {string.Join("; ", verdict.NewErrors)}");
            }

            foreach (var (kind, mutant) in Mutants(site))
            {
                var m = await CheckBothAsync(document, site.Offset, mutant).ConfigureAwait(false);
                var (tried, dropped) = mutants.GetValueOrDefault(kind);
                mutants[kind] = (tried + 1, dropped + (m.Introduces ? 1 : 0));
            }
        }

        var inv = CultureInfo.InvariantCulture;
        Report = new CompileCheckReport(kept, verdictCount, mutants.Values.Sum(m => m.Tried), mutants.Values.Sum(m => m.Dropped), times, cpuTimes, referenceTimes, disagreements.Count);
        output.WriteLine(string.Create(inv, $"true continuations kept: {kept} / {verdictCount} ({100.0 * kept / Math.Max(1, verdictCount):F1}%)"));
        foreach (var (kind, (tried, dropped)) in mutants.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(inv, $"mutants dropped, {kind,-22}: {dropped} / {tried} ({100.0 * dropped / Math.Max(1, tried):F1}%)"));
        }
        output.WriteLine(string.Create(inv, $"time per check: p50 {ContextBenchmarkReport.Percentile(times, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(times, 95):F2} ms over {times.Count} checks ({speculative} decided by speculative binding)"));
        output.WriteLine(string.Create(inv, $"  decided by speculative binding: p50 {ContextBenchmarkReport.Percentile(speculativeTimes, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(speculativeTimes, 95):F2} ms; compiled: p50 {ContextBenchmarkReport.Percentile(fallbackTimes, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(fallbackTimes, 95):F2} ms"));
        output.WriteLine(string.Create(inv, $"reference (document forked through the workspace): p50 {ContextBenchmarkReport.Percentile(referenceTimes, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(referenceTimes, 95):F2} ms"));
        output.WriteLine(string.Create(inv, $"CPU time per check (robust on a busy machine): p50 {ContextBenchmarkReport.Percentile(cpuTimes, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(cpuTimes, 95):F2} ms; reference p50 {ContextBenchmarkReport.Percentile(referenceCpuTimes, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(referenceCpuTimes, 95):F2} ms"));
        output.WriteLine(string.Create(inv, $"  CPU, decided by speculative binding: p50 {ContextBenchmarkReport.Percentile(speculativeCpu, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(speculativeCpu, 95):F2} ms; compiled: p50 {ContextBenchmarkReport.Percentile(compiledCpu, 50):F2} ms, p95 {ContextBenchmarkReport.Percentile(compiledCpu, 95):F2} ms"));
        output.WriteLine($"verdicts different from the reference: {disagreements.Count}");

        foreach (var line in disagreements.Take(10)) output.WriteLine("  differs: " + line);
        foreach (var line in wronglyDropped.Take(5)) output.WriteLine("  kept? no: " + line);
        return 0;
    }

    /// <summary>Wrong versions of the true rest of the line, each wrong in one way.</summary>
    private static IEnumerable<(string Kind, string Text)> Mutants(Site site)
    {
        var member = site.Member;
        if (site.Truth.StartsWith(member, StringComparison.Ordinal))
        {
            yield return ("unknown member", member + "Xq" + site.Truth[member.Length..]);
        }
        var call = CallArguments().Match(site.Truth);
        if (call.Success && call.Groups[1].Index == member.Length + 1)
        {
            var args = call.Groups[1].Value;
            var extra = args.Trim().Length == 0 ? "17, 42" : args + ", 17";
            yield return ("extra argument", site.Truth[..(call.Groups[1].Index)] + extra + site.Truth[(call.Groups[1].Index + args.Length)..]);
            if (args.Trim().Length > 0 && !args.Contains(',', StringComparison.Ordinal))
            {
                yield return ("argument of wrong type", site.Truth[..(call.Groups[1].Index)] + "new System.Threading.SemaphoreSlim(1)" + site.Truth[(call.Groups[1].Index + args.Length)..]);
            }
        }
    }

    /// <summary>A call's parenthesised arguments without nested parentheses: "(a, b)".</summary>
    [GeneratedRegex(@"^\w+\(([^()]*)\)")]
    private static partial Regex CallArguments();
}

/// <summary>What <see cref="CompileCheckBenchmark"/> measured: verdicts, wall and CPU time per check, and the reference's time.</summary>
internal sealed record CompileCheckReport(int Kept, int Truths, int MutantsTried, int MutantsDropped, IReadOnlyList<double> Ms, IReadOnlyList<double> CpuMs,
    IReadOnlyList<double> ReferenceMs, int Disagreements);
