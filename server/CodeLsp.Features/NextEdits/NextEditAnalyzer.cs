using System.Diagnostics;
using CodeLsp.Features.NextEdits.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// Compares the solution before an edit with the solution after it: finds the declarations the edit changed, lets
/// each rule find the sites that broke and propose an edit there, and keeps only the edits that pass the compile
/// gate. Nothing is proposed while the edit itself does not compile yet (a half-typed name or signature).
/// </summary>
public static class NextEditAnalyzer
{
    private static readonly INextEditRule[] Rules =
    [
        new RenameRule(),
        new ArgumentListRule(),
        new TypeChangedRule(),
        new MadeAsyncRule(),
        new MissingMemberRule(),
        new EnumSwitchArmRule(),
        new ImplementationsRule(),
    ];

    /// <summary>Errors on the edited lines that mean "the edit is not finished" even when they sit just beside the changed text.</summary>
    private static readonly HashSet<string> UnfinishedDeclaration = ["CS1983", "CS1994", "CS0246", "CS0161", "CS0127", "CS0128", "CS0100", "CS0102", "CS0111"];

    private static long _ids;

    public static async Task<NextEditAnalysis> AnalyzeAsync(Solution before, Solution after, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var diffs = new Dictionary<DocumentId, DocumentDiff>();
        foreach (var projectChanges in after.GetChanges(before).GetProjectChanges())
        {
            foreach (var id in projectChanges.GetChangedDocuments(onlyGetDocumentsWithTextChanges: true))
            {
                if (before.GetDocument(id) is not { } old || after.GetDocument(id) is not { } now) continue;
                var diff = DocumentDiff.Compute(await old.GetTextAsync(ct).ConfigureAwait(false), await now.GetTextAsync(ct).ConfigureAwait(false));
                if (!diff.IsEmpty) diffs[id] = diff;
            }
        }
        if (diffs.Count == 0) return NextEditAnalysis.Empty with { Elapsed = Stopwatch.GetElapsedTime(started) };

        // The half-typed check binds the edited document after the edit; finding the changed declarations and their
        // sites works mostly on the baseline. Both start at once: the sites are dropped if the edit is half-typed.
        using var speculative = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var halfTyped = Task.Run(async () =>
        {
            foreach (var (id, diff) in diffs)
            {
                if (await IsHalfTypedAsync(before.GetDocument(id)!, after.GetDocument(id)!, diff, ct).ConfigureAwait(false)) return (true, Stopwatch.GetElapsedTime(started));
            }
            return (false, Stopwatch.GetElapsedTime(started));
        }, ct);
        var proposing = Task.Run(() => ProposeAsync(before, after, diffs, speculative.Token), speculative.Token);
        bool isHalfTyped;
        TimeSpan checkTime;
        try
        {
            (isHalfTyped, checkTime) = await halfTyped.ConfigureAwait(false);
        }
        catch
        {
            await speculative.CancelAsync().ConfigureAwait(false);
            throw;
        }
        if (isHalfTyped)
        {
            await speculative.CancelAsync().ConfigureAwait(false);
            try
            {
                await proposing.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Sites of a half-typed edit are discarded, whatever became of them (cancelled, or a rule tripped on the unfinished syntax).
            }
            return NextEditAnalysis.Empty with { HalfTyped = true, Elapsed = Stopwatch.GetElapsedTime(started) };
        }
        var (changes, context, detectMs, rulesMs) = await proposing.ConfigureAwait(false);
        if (changes.Count == 0) return NextEditAnalysis.Empty with { Elapsed = Stopwatch.GetElapsedTime(started) };

        var phases = new Dictionary<string, double>
        {
            ["check"] = checkTime.TotalMilliseconds,
            ["detect"] = detectMs,
            ["rules"] = rulesMs,
            ["refs"] = context.ReferencesMs,
            ["diag after"] = context.DiagnosticsAfterMs,
            ["diag before"] = context.DiagnosticsBeforeMs,
        };
        var mark = Stopwatch.GetTimestamp();
        var edits = new List<NextEdit>();
        var candidates = new List<ProposedEdit>();
        foreach (var proposed in context.Proposed.DistinctBy(p => (p.Document.Id, p.Span, p.NewText)).OrderBy(p => p.Document.FilePath, StringComparer.Ordinal).ThenBy(p => p.Span.Start))
        {
            // All edits of one list apply together ("accept all"), so they must not overlap; a later one comes back after the first is applied.
            if (candidates.Any(k => k.Document.Id == proposed.Document.Id && (k.Span.OverlapsWith(proposed.Span) || k.Span == proposed.Span)))
            {
                context.Explain(proposed.Document, proposed.Span, proposed.SiteDiagnostic?.Id, "overlaps another next edit: proposed again once that one is applied");
                continue;
            }
            candidates.Add(proposed);
        }
        // Each document's edits are checked against their own fork of it: documents in parallel, results in list order.
        var checkedGroups = await Task.WhenAll(candidates.GroupBy(p => p.Document.Id).Select(group => Task.Run(() => GateAsync(context, group.ToList(), ct), ct))).ConfigureAwait(false);
        foreach (var passed in checkedGroups) edits.AddRange(passed);
        phases["gate"] = Stopwatch.GetElapsedTime(mark).TotalMilliseconds;
        return new NextEditAnalysis(changes, edits, context.ModelSites, context.Explained, HalfTyped: false, Stopwatch.GetElapsedTime(started)) { Phases = phases };
    }

    /// <summary>The declarations the edit changed, and what every rule proposes for them (before the compile gate).</summary>
    private static async Task<(List<DeclarationChange> Changes, NextEditContext Context, double DetectMs, double RulesMs)> ProposeAsync(
        Solution before, Solution after, Dictionary<DocumentId, DocumentDiff> diffs, CancellationToken ct)
    {
        var mark = Stopwatch.GetTimestamp();
        var changes = new List<DeclarationChange>();
        foreach (var (id, diff) in diffs)
        {
            changes.AddRange(await EditKindDetector.DetectAsync(before.GetDocument(id)!, after.GetDocument(id)!, diff, ct).ConfigureAwait(false));
        }
        var detectMs = Stopwatch.GetElapsedTime(mark).TotalMilliseconds;
        mark = Stopwatch.GetTimestamp();
        var context = new NextEditContext(before, after, diffs);
        foreach (var change in changes)
        {
            foreach (var rule in Rules.Where(r => r.Handles(change.Kind)))
            {
                ct.ThrowIfCancellationRequested();
                await rule.ProposeAsync(context, change, ct).ConfigureAwait(false);
            }
        }
        return (changes, context, detectMs, Stopwatch.GetElapsedTime(mark).TotalMilliseconds);
    }

    private static async Task<List<NextEdit>> GateAsync(NextEditContext context, List<ProposedEdit> batch, CancellationToken ct)
    {
        // Many sites in one document (a rename used 40 times): one check of all of them together; only when that
        // fails is each checked alone, so one bad edit cannot hide the good ones.
        var edits = new List<NextEdit>();
        if (batch.Count >= 3 && await NextEditGate.CheckTogetherAsync(context, batch, ct).ConfigureAwait(false))
        {
            foreach (var proposed in batch) edits.Add(await ToNextEditAsync(proposed, ct).ConfigureAwait(false));
            return edits;
        }
        foreach (var proposed in batch)
        {
            var (passed, why) = await NextEditGate.CheckAsync(context, proposed, ct).ConfigureAwait(false);
            if (passed) edits.Add(await ToNextEditAsync(proposed, ct).ConfigureAwait(false));
            else context.Explain(proposed.Document, proposed.Span, proposed.SiteDiagnostic?.Id, $"compile check refused `{proposed.NewText.Trim()}`: {why}");
        }
        return edits;
    }

    /// <summary>Checks and converts an edit that was not proposed by a rule (a model's text for a <see cref="PendingModelEdit"/>).</summary>
    public static async Task<NextEdit?> GateModelEditAsync(Solution before, Solution after, PendingModelEdit site, string value, CancellationToken ct)
    {
        var context = new NextEditContext(before, after, new Dictionary<DocumentId, DocumentDiff>());
        var proposed = new ProposedEdit(site.Document, new TextSpan(site.Offset, 0), site.Before + value + site.After,
            site.Title + $" (`{value}`)", site.Reason, NextEditSource.Model, site.SiteDiagnostic, site.Scope);
        var (passed, _) = await NextEditGate.CheckAsync(context, proposed, ct).ConfigureAwait(false);
        return passed ? await ToNextEditAsync(proposed, ct).ConfigureAwait(false) : null;
    }

    private static async Task<bool> IsHalfTypedAsync(Document before, Document after, DocumentDiff diff, CancellationToken ct)
    {
        var oldTree = await before.GetSyntaxTreeAsync(ct).ConfigureAwait(false);
        var newTree = await after.GetSyntaxTreeAsync(ct).ConfigureAwait(false);
        if (oldTree is null || newTree is null) return false;
        static int SyntaxErrors(SyntaxTree tree) => tree.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        if (SyntaxErrors(newTree) > SyntaxErrors(oldTree)) return true;

        var oldModel = await before.GetSemanticModelAsync(ct).ConfigureAwait(false);
        var newModel = await after.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (oldModel is null || newModel is null) return false;
        var oldText = await before.GetTextAsync(ct).ConfigureAwait(false);
        var newText = await after.GetTextAsync(ct).ConfigureAwait(false);
        foreach (var hunk in diff.Hunks)
        {
            var then = oldModel.GetDiagnostics(Lines(oldText, hunk.Old), ct).Where(d => d.Severity == DiagnosticSeverity.Error).Select(NextEditContext.Key).ToHashSet();
            foreach (var d in newModel.GetDiagnostics(Lines(newText, hunk.New), ct))
            {
                if (d.Severity != DiagnosticSeverity.Error || then.Contains(NextEditContext.Key(d))) continue;
                var span = d.Location.SourceSpan;
                var touches = span.Start <= hunk.New.End && span.End >= hunk.New.Start;
                if (touches || UnfinishedDeclaration.Contains(d.Id)) return true;
            }
        }
        return false;
    }

    private static TextSpan Lines(SourceText text, TextSpan span)
    {
        var first = text.Lines.GetLineFromPosition(span.Start);
        var last = text.Lines.GetLineFromPosition(span.End);
        return TextSpan.FromBounds(first.Start, last.End);
    }

    private static async Task<NextEdit> ToNextEditAsync(ProposedEdit edit, CancellationToken ct)
    {
        var text = await edit.Document.GetTextAsync(ct).ConfigureAwait(false);
        return new NextEdit($"ne{Interlocked.Increment(ref _ids)}", edit.Document.FilePath ?? edit.Document.Name, text.Lines.GetLinePositionSpan(edit.Span),
            edit.NewText, edit.Title, edit.Reason, edit.Source, edit.SiteDiagnostic?.Id)
        {
            DiagnosticRange = edit.SiteDiagnostic is { } d ? text.Lines.GetLinePositionSpan(d.Location.SourceSpan) : null,
        };
    }
}
