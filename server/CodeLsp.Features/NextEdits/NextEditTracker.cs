using System.Diagnostics;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// Owns next-edit state for one workspace: the baseline (the solution before the edit whose follow-ups are open)
/// and the latest analysis. Every didChange overlays the new text and starts an analysis in the background against
/// the baseline; a newer change cancels it (typing is never delayed, a completion never waits for it). The baseline
/// moves on when an analysis finds nothing left to follow up; a half-typed edit keeps it.
/// </summary>
public sealed class NextEditTracker(WorkspaceHost workspace, ILogger logger, Func<IInferenceEngine?> engine) : IDisposable
{
    private const int ModelSitesPerRequest = 3;

    private readonly ILogger _logger = logger.ForContext<NextEditTracker>();
    private readonly Lock _gate = new();
    private readonly Dictionary<Uri, int> _versions = [];
    private Solution? _baseline;
    private CancellationTokenSource? _running;
    private Computation? _latest;
    private bool _disposed;

    /// <summary>Raised when an analysis finishes (not when it was superseded): for logs and the benchmark.</summary>
    public event Action<Uri, int, NextEditAnalysis>? Analyzed;

    public bool Enabled { get; set; } = true;

    private sealed class Computation(Uri uri, int version, Solution before, Solution after, long startedAt)
    {
        public Uri Uri { get; } = uri;
        public int Version { get; } = version;
        public Solution Before { get; } = before;
        public Solution After { get; } = after;
        public long StartedAt { get; } = startedAt;
        public Task<NextEditAnalysis> Task { get; set; } = System.Threading.Tasks.Task.FromResult(NextEditAnalysis.Empty);
        public Dictionary<PendingModelEdit, NextEdit?> ModelEdits { get; } = [];
    }

    /// <summary>An open document changed (the edit is applied): overlay it and analyse in the background.</summary>
    public void DocumentChanged(Uri uri, int version, SourceText text)
    {
        if (!Enabled) return;
        var startedAt = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_disposed) return;
            _baseline ??= workspace.CurrentSolution;
            var before = _baseline;
            var after = workspace.GetDocument(uri, text).Project.Solution;
            _versions[uri] = version;
            _running?.Cancel();
            _running?.Dispose();
            _running = new CancellationTokenSource();
            var token = _running.Token;
            var computation = new Computation(uri, version, before, after, startedAt);
            computation.Task = Task.Run(() => RunAsync(computation, token), CancellationToken.None);
            _latest = computation;
        }
    }

    /// <summary>A document was closed: its version is forgotten (requests for it are stale).</summary>
    public void DocumentClosed(Uri uri)
    {
        lock (_gate) _versions.Remove(uri);
    }

    private async Task<NextEditAnalysis> RunAsync(Computation computation, CancellationToken token)
    {
        try
        {
            var analysis = await NextEditAnalyzer.AnalyzeAsync(computation.Before, computation.After, token).ConfigureAwait(false);
            lock (_gate)
            {
                if (ReferenceEquals(_latest, computation) && analysis.Settled) _baseline = null;
            }
            var total = Stopwatch.GetElapsedTime(computation.StartedAt);
            if (analysis.Changes.Count > 0 || analysis.HalfTyped)
            {
                _logger.Debug("Next edits for {Uri} v{Version}: {Changes}; {Edits} edit(s), {Model} model site(s), {Explained} explained in {Ms:F1} ms{HalfTyped}",
                    computation.Uri, computation.Version, string.Join(", ", analysis.Changes), analysis.Edits.Count, analysis.ModelSites.Count,
                    analysis.Explained.Count, total.TotalMilliseconds, analysis.HalfTyped ? " (half-typed: nothing yet)" : "");
            }
            Analyzed?.Invoke(computation.Uri, computation.Version, analysis with { Elapsed = total });
            return analysis;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return NextEditAnalysis.Empty;
        }
        catch (Exception e)
        {
            // A bug in a rule costs this edit's follow-ups, never the server.
            _logger.Warning(e, "Next-edit analysis for {Uri} v{Version} failed", computation.Uri, computation.Version);
            Analyzed?.Invoke(computation.Uri, computation.Version, NextEditAnalysis.Empty with { Elapsed = Stopwatch.GetElapsedTime(computation.StartedAt) });
            return NextEditAnalysis.Empty;
        }
    }

    /// <summary>
    /// The compiler-decided edits for the document at this version (waiting for the running analysis), or null when the
    /// version is stale. Never runs the model: safe inside textDocument/codeAction.
    /// </summary>
    public async Task<NextEditResult?> CompilerEditsAsync(Uri uri, int version, CancellationToken ct)
    {
        Computation? computation;
        lock (_gate)
        {
            if (_versions.TryGetValue(uri, out var current) && current != version) return null;
            computation = _latest;
        }
        if (computation is null) return new NextEditResult(NextEditAnalysis.Empty, []);
        var analysis = await computation.Task.WaitAsync(ct).ConfigureAwait(false);
        return new NextEditResult(analysis, analysis.Edits);
    }

    /// <summary>
    /// The edits for the document at this version, nearest to <paramref name="position"/> first; the sites that need
    /// the model get it here (the nearest few, at background priority), compile-checked. Null when the version is stale.
    /// </summary>
    public async Task<IReadOnlyList<NextEdit>?> EditsAsync(Uri uri, int version, LinePosition position, bool useModel, CancellationToken ct)
    {
        Computation? computation;
        lock (_gate)
        {
            if (_versions.TryGetValue(uri, out var current) && current != version) return null;
            computation = _latest;
        }
        if (computation is null) return [];
        var analysis = await computation.Task.WaitAsync(ct).ConfigureAwait(false);
        var path = WorkspaceHost.PathOf(uri);
        var edits = new List<NextEdit>(analysis.Edits);
        if (useModel && analysis.ModelSites.Count > 0 && engine() is { } model)
        {
            var recent = await RecentEditsAsync(computation, ct).ConfigureAwait(false);
            foreach (var site in NextEditOrdering.Nearest(analysis.ModelSites, s => s.FilePath, s => s.Document.TryGetText(out var t) ? t.Lines.GetLinePosition(s.Offset) : default, path, position).Take(ModelSitesPerRequest))
            {
                NextEdit? edit;
                lock (computation.ModelEdits)
                {
                    computation.ModelEdits.TryGetValue(site, out edit);
                }
                if (edit is null)
                {
                    var value = await NextEditModelWriter.WriteAsync(model, site, recent, ct).ConfigureAwait(false);
                    edit = value is null ? null : await NextEditAnalyzer.GateModelEditAsync(computation.Before, computation.After, site, value, ct).ConfigureAwait(false);
                    _logger.Debug("Model next edit at {File}:{Offset}: {Value} ({Verdict})", site.FilePath, site.Offset, value, edit is null ? "refused" : "kept");
                    lock (computation.ModelEdits) computation.ModelEdits[site] = edit;
                }
                if (edit is not null) edits.Add(edit);
            }
        }
        return NextEditOrdering.Nearest(edits, e => e.FilePath, e => e.Range.Start, path, position).ToList();
    }

    /// <summary>The model sites of the latest analysis for this document version (for code actions that offer a command).</summary>
    public IReadOnlyList<PendingModelEdit> ModelSites(Uri uri, int version)
    {
        lock (_gate)
        {
            if (_versions.TryGetValue(uri, out var current) && current != version || _latest is not { Task.IsCompletedSuccessfully: true } latest) return [];
            return latest.Task.Result.ModelSites;
        }
    }

    private static async Task<string> RecentEditsAsync(Computation computation, CancellationToken ct)
    {
        var ids = computation.After.GetDocumentIdsWithFilePath(WorkspaceHost.PathOf(computation.Uri));
        if (ids.IsEmpty || computation.Before.GetDocument(ids[0]) is not { } before || computation.After.GetDocument(ids[0]) is not { } after) return "";
        return NextEditModelWriter.RenderDiff(await before.GetTextAsync(ct).ConfigureAwait(false), await after.GetTextAsync(ct).ConfigureAwait(false));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _running?.Cancel();
            _running?.Dispose();
            _running = null;
        }
    }
}

/// <summary>An analysis and its compile-checked edits.</summary>
public sealed record NextEditResult(NextEditAnalysis Analysis, IReadOnlyList<NextEdit> Edits);

/// <summary>Nearest first: the requesting document by line distance from the position, then other files by path and line.</summary>
public static class NextEditOrdering
{
    public static IEnumerable<T> Nearest<T>(IEnumerable<T> items, Func<T, string> file, Func<T, LinePosition> at, string path, LinePosition position) =>
        items.OrderBy(i => file(i) == path ? 0 : 1)
            .ThenBy(i => file(i) == path ? Math.Abs(at(i).Line - position.Line) : 0)
            .ThenBy(i => file(i), StringComparer.Ordinal)
            .ThenBy(i => at(i));
}
