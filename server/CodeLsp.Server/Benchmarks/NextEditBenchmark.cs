using System.Globalization;
using CodeLsp.Features.NextEdits;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Benchmarks;

/// <summary>
/// <c>codelsp bench next-edits</c>: on a real solution, makes declaration edits the way a user would (add a
/// <c>CancellationToken</c> parameter, remove the last parameter, rename a method, field or parameter, int → long
/// property, make a method async, add an interface or enum member), each as a didChange to the tracker, and prints
/// the time from the change to the compiler-decided next-edit list (p50/p95 per kind), what was proposed, and the
/// recall against the whole compilation's new errors. Each edit is reverted before the next.
/// </summary>
internal sealed class NextEditBenchmark(TextWriter output)
{
    private sealed record Case(string Kind, Document Document, TextChange Change, string What);

    private sealed record Outcome(Case Case, NextEditAnalysis Analysis, double Ms, NextEditRecallResult? Recall);

    public async Task<int> RunAsync(string folder, int maxCases, bool recall, int seed, Serilog.ILogger logger, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        using var workspace = new WorkspaceHost(logger);
        await workspace.LoadAsync(folder, trusted: true, progress: null, ct).ConfigureAwait(false);
        output.WriteLine($"Workspace: {workspace.State}");
        if (workspace.State.Mode != WorkspaceMode.MSBuild)
        {
            output.WriteLine("Next edits need the projects loaded with MSBuild; this folder did not load.");
            return 1;
        }
        await workspace.WarmUpAsync(ct).ConfigureAwait(false);

        var cases = await FindCasesAsync(workspace.CurrentSolution, maxCases, seed, ct).ConfigureAwait(false);
        output.WriteLine($"{cases.Count} edits sampled (seed {seed}): {string.Join(", ", cases.GroupBy(c => c.Kind).Select(g => $"{g.Count()} {g.Key}"))}");

        using var tracker = new NextEditTracker(workspace, logger, () => null);
        var done = new Dictionary<int, TaskCompletionSource<NextEditAnalysis>>();
        tracker.Analyzed += (_, version, analysis) =>
        {
            lock (done) if (done.TryGetValue(version, out var tcs)) tcs.TrySetResult(analysis);
        };
        var version = 1;
        async Task<NextEditAnalysis> ChangeAsync(Uri uri, SourceText text)
        {
            var tcs = new TaskCompletionSource<NextEditAnalysis>(TaskCreationOptions.RunContinuationsAsynchronously);
            var v = ++version;
            lock (done) done[v] = tcs;
            tracker.DocumentChanged(uri, v, text);
            return await tcs.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
        }

        var outcomes = new List<Outcome>();
        foreach (var @case in cases)
        {
            var uri = new Uri(@case.Document.FilePath!);
            var before = workspace.CurrentSolution;
            var original = await before.GetDocument(@case.Document.Id)!.GetTextAsync(ct).ConfigureAwait(false);
            var edited = original.WithChanges(@case.Change);
            var analysis = await ChangeAsync(uri, edited).ConfigureAwait(false);
            var after = workspace.CurrentSolution;
            NextEditRecallResult? measured = null;
            if (recall) measured = await NextEditRecall.MeasureAsync(before, after, analysis, ct).ConfigureAwait(false);
            outcomes.Add(new Outcome(@case, analysis, analysis.Elapsed.TotalMilliseconds, measured));
            await ChangeAsync(uri, original).ConfigureAwait(false); // back to the original: the baseline settles
        }

        output.WriteLine();
        output.WriteLine($"{"kind",-22} {"edits",5} {"detected",8} {"w/ sites",8} {"edits",6} {"model",6} {"expl.",6} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
        foreach (var group in outcomes.GroupBy(o => o.Case.Kind).Append(outcomes.GroupBy(_ => "all").Single()))
        {
            var ms = group.Select(o => o.Ms).ToList();
            output.WriteLine(string.Create(inv,
                $"{group.Key,-22} {group.Count(),5} {group.Count(o => o.Analysis.Changes.Count > 0),8} {group.Count(o => o.Analysis.Edits.Count + o.Analysis.ModelSites.Count > 0),8} " +
                $"{group.Sum(o => o.Analysis.Edits.Count),6} {group.Sum(o => o.Analysis.ModelSites.Count),6} {group.Sum(o => o.Analysis.Explained.Count),6} " +
                $"{ContextBenchmarkReport.Percentile(ms, 50),8:F1} {ContextBenchmarkReport.Percentile(ms, 95),8:F1} {ms.Max(),8:F1}"));
        }
        output.WriteLine();
        output.WriteLine("Median ms per phase (check = diff + half-typed check, detect = declaration change, rules = sites + texts, gate = compile checks):");
        foreach (var group in outcomes.GroupBy(o => o.Case.Kind).Append(outcomes.GroupBy(_ => "all").Single()))
        {
            string Phase(string name) => ContextBenchmarkReport.Percentile(group.Select(o => o.Analysis.Phases.GetValueOrDefault(name)).ToList(), 50).ToString("F1", inv);
            output.WriteLine($"{group.Key,-22} check {Phase("check"),7}  detect {Phase("detect"),7}  rules {Phase("rules"),7} (refs {Phase("refs"),6}, diag after {Phase("diag after"),6}, before {Phase("diag before"),6})  gate {Phase("gate"),7}");
        }
        if (recall)
        {
            output.WriteLine();
            output.WriteLine("Recall of the compiler's own list (every new error: resolved by the proposed edits, at a model site, explained, or missed):");
            foreach (var group in outcomes.GroupBy(o => o.Case.Kind).Append(outcomes.GroupBy(_ => "all").Single()))
            {
                var r = group.Select(o => o.Recall!).ToList();
                var total = r.Sum(x => x.NewErrors);
                var missed = r.Sum(x => x.Uncovered.Count);
                output.WriteLine(string.Create(inv,
                    $"{group.Key,-22} new errors {total,5}  resolved {r.Sum(x => x.Resolved),5}  model {r.Sum(x => x.AtModelSites),4}  explained {r.Sum(x => x.Explained),4}  in the edit {r.Sum(x => x.InEdit),4}  missed {missed,4}  recall {(total == 0 ? 1 : (double)(total - missed) / total),7:P1}"));
            }
            var misses = outcomes.SelectMany(o => o.Recall!.Uncovered.Select(u => $"{o.Case.Kind} ({o.Case.What}): {u}")).Take(15).ToList();
            if (misses.Count > 0)
            {
                output.WriteLine("First misses:");
                foreach (var m in misses) output.WriteLine("  " + m);
            }
        }
        return 0;
    }

    /// <summary>Declaration edits spread over the solution's documents, a few of each kind, in a seeded order.</summary>
    private static async Task<List<Case>> FindCasesAsync(Solution solution, int maxCases, int seed, CancellationToken ct)
    {
        var byKind = new Dictionary<string, List<Case>>();
        void Add(Case c)
        {
            if (!byKind.TryGetValue(c.Kind, out var list)) byKind[c.Kind] = list = [];
            list.Add(c);
        }
        foreach (var document in solution.Projects.Where(p => p.Language == LanguageNames.CSharp).SelectMany(p => p.Documents)
                     .Where(d => d.FilePath?.EndsWith(".cs", StringComparison.Ordinal) == true && !d.FilePath.Contains("/obj/", StringComparison.Ordinal))
                     .OrderBy(d => d.FilePath, StringComparer.Ordinal))
        {
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            if (root is null) continue;
            foreach (var node in root.DescendantNodes())
            {
                switch (node)
                {
                    case MethodDeclarationSyntax m when m.Body is not null || m.ExpressionBody is not null:
                    {
                        var name = m.Identifier.ValueText;
                        var list = m.ParameterList;
                        if (!m.Modifiers.Any(SyntaxKind.OverrideKeyword) && m.ExplicitInterfaceSpecifier is null && !list.Parameters.Any(p => p.Default is not null || p.Modifiers.Any(SyntaxKind.ParamsKeyword) || p.Modifiers.Any(SyntaxKind.ThisKeyword)))
                        {
                            var separator = list.Parameters.Count > 0 ? ", " : "";
                            Add(new Case("add parameter", document, new TextChange(new TextSpan(list.CloseParenToken.SpanStart, 0), separator + "System.Threading.CancellationToken cancellationToken"), name));
                            if (list.Parameters.Count > 0)
                            {
                                var last = list.Parameters[^1];
                                var start = list.Parameters.Count > 1 ? list.Parameters.GetSeparator(list.Parameters.Count - 2).SpanStart : last.SpanStart;
                                Add(new Case("remove parameter", document, new TextChange(TextSpan.FromBounds(start, last.Span.End), ""), $"{name}({last.Identifier.ValueText})"));
                                var first = list.Parameters[0];
                                Add(new Case("rename parameter", document, new TextChange(new TextSpan(first.Identifier.Span.End, 0), "Renamed"), $"{name}({first.Identifier.ValueText})"));
                            }
                            Add(new Case("rename method", document, new TextChange(new TextSpan(m.Identifier.Span.End, 0), "Renamed"), name));
                            var isTask = m.ReturnType.ToString().StartsWith("Task", StringComparison.Ordinal) || m.ReturnType.ToString().StartsWith("ValueTask", StringComparison.Ordinal);
                            var iterator = m.DescendantNodes().OfType<YieldStatementSyntax>().Any();
                            if (!isTask && !iterator && !m.Modifiers.Any(SyntaxKind.AsyncKeyword) && m.ReturnType is not RefTypeSyntax && m.ReturnType.ToString() != "void" && !m.ParameterList.Parameters.Any(p => p.Modifiers.Any(SyntaxKind.RefKeyword) || p.Modifiers.Any(SyntaxKind.OutKeyword) || p.Modifiers.Any(SyntaxKind.InKeyword)))
                            {
                                Add(new Case("make async", document, new TextChange(m.ReturnType.Span, $"async System.Threading.Tasks.Task<{m.ReturnType}>"), name));
                            }
                        }
                        break;
                    }
                    case FieldDeclarationSyntax f when f.Modifiers.Any(SyntaxKind.PrivateKeyword) && !f.Modifiers.Any(SyntaxKind.ConstKeyword):
                        foreach (var v in f.Declaration.Variables) Add(new Case("rename field", document, new TextChange(new TextSpan(v.Identifier.Span.End, 0), "Renamed"), v.Identifier.ValueText));
                        break;
                    case PropertyDeclarationSyntax p when p.Type.ToString() == "int":
                        Add(new Case("int → long property", document, new TextChange(p.Type.Span, "long"), p.Identifier.ValueText));
                        break;
                    case InterfaceDeclarationSyntax i:
                        Add(new Case("add interface member", document, new TextChange(new TextSpan(i.CloseBraceToken.SpanStart, 0), "    int AddedMember();\n"), i.Identifier.ValueText));
                        break;
                    case EnumDeclarationSyntax e when e.Members.Count > 0:
                        var anchor = e.Members.SeparatorCount == e.Members.Count ? e.Members.GetSeparator(e.Members.Count - 1).Span.End : e.Members[^1].Span.End;
                        var text = e.Members.SeparatorCount == e.Members.Count ? " AddedMember," : ", AddedMember";
                        Add(new Case("add enum member", document, new TextChange(new TextSpan(anchor, 0), text), e.Identifier.ValueText));
                        break;
                }
            }
        }
        // Round-robin over kinds, each kind shuffled with the seed, so a small sample still has every kind.
        var random = new Random(seed);
        var queues = byKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new Queue<Case>(k.Value.OrderBy(_ => random.Next()))).ToList();
        var picked = new List<Case>();
        while (picked.Count < maxCases && queues.Any(q => q.Count > 0))
        {
            foreach (var queue in queues.Where(q => q.Count > 0))
            {
                if (picked.Count >= maxCases) break;
                picked.Add(queue.Dequeue());
            }
        }
        return picked;
    }
}
