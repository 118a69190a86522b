using System.Collections.Concurrent;
using System.Diagnostics;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Completion;

/// <summary>
/// The Roslyn context at the start of a prompt, per document. It is rebuilt only when the cursor moves to another
/// line or past a '.', '(' or ',': context sits at the start of the prompt, so a context that changed on every
/// keystroke would make the model decode the whole prompt again each time instead of reusing its cache.
/// <para>
/// One build runs per document: a request whose key matches the running build waits for that build (at most the
/// wait) instead of starting another; once one request has waited the whole wait for it, the next ones take the
/// previous context at once until it is ready; a build for a key the cursor has left is cancelled. Before, each
/// keystroke after a '.' started its own build while the first was still running; on a cold start those builds
/// ran side by side and each took 200–470 ms (<c>codelsp bench completion</c>, Debug log).
/// </para>
/// </summary>
internal sealed class PromptContextSource(PromptContextSource.BuildContext build, int contextTokens, TimeSpan wait, ILogger logger)
{
    /// <summary>Builds the rendered context for the cursor at an offset, with the visible window left out.</summary>
    public delegate Task<string> BuildContext(Document document, int offset, TextSpan visible, CancellationToken cancellationToken);

    public PromptContextSource(SemanticContextBuilder builder, int contextTokens, TimeSpan wait, Func<string, int> countTokens, ILogger logger)
        : this(async (document, offset, visible, token) =>
        {
            var clock = Stopwatch.StartNew();
            var built = await builder.BuildAsync(document, offset, new ContextBudget(contextTokens, countTokens), new ContextRequest(visible), token).ConfigureAwait(false);
            logger.Debug("Context for {Path}: {Count} items, {Tokens} tokens, built in {Ms:F1} ms",
                document.FilePath ?? document.Name, built.Items.Count(i => i.Included), built.Tokens, clock.Elapsed.TotalMilliseconds);
            return built.Rendered;
        }, contextTokens, wait, logger)
    {
    }

    private sealed record Build(string Key, Task<string> Rendered, CancellationTokenSource Cancel)
    {
        /// <summary>A request already waited the whole wait for it: later ones do not wait again.</summary>
        public volatile bool Late;
    }

    private readonly ConcurrentDictionary<Uri, (string Key, string Rendered)> _built = new();
    private readonly ConcurrentDictionary<Uri, Build> _running = new();
    private readonly ConcurrentDictionary<Uri, byte> _asked = new(); // documents a request has asked about
    private readonly Lock _gate = new();
    private int _builds;
    private int _preparing;

    /// <summary>Builds started so far (tests use it to prove that keystrokes with the same key share one).</summary>
    public int Builds => Volatile.Read(ref _builds);

    /// <summary>Completes when the document's running build (if any) has finished and stored its context (for tests).</summary>
    internal Task WhenBuilt(Uri uri) =>
        _running.TryGetValue(uri, out var running) ? running.Rendered.ContinueWith(_ => { }, TaskScheduler.Default) : Task.CompletedTask;

    /// <summary>
    /// The context for a request at <paramref name="offset"/>: the cached one while the key is the same, else the
    /// build for this key if it finishes within the wait, else the previous context (or none); a late build serves
    /// the next request.
    /// </summary>
    public async Task<string?> ForAsync(Uri uri, Document document, SourceText text, int offset, TextSpan visible, CancellationToken token)
    {
        if (contextTokens <= 0) return null;
        _asked.TryAdd(uri, 0);
        var key = Key(text, offset);
        var hasBuilt = _built.TryGetValue(uri, out var built);
        if (hasBuilt && built.Key == key) return NullIfEmpty(built.Rendered);

        var build = StartOrJoin(uri, document, offset, key, visible)!;
        if (!build.Late)
        {
            var finished = await Task.WhenAny(build.Rendered, Task.Delay(wait, token)).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            if (finished == build.Rendered) return NullIfEmpty(await build.Rendered.ConfigureAwait(false));
            build.Late = true;
            logger.Debug("Context for {Uri} took longer than {Ms} ms; using the previous one until it is ready", uri, wait.TotalMilliseconds);
        }
        else if (build.Rendered.IsCompletedSuccessfully)
        {
            return NullIfEmpty(build.Rendered.Result);
        }

        return hasBuilt ? NullIfEmpty(built.Rendered) : null;
    }

    /// <summary>
    /// Starts a build in the background when the document has no context yet and none is running: on opening, so the
    /// first keystroke finds the compiler warm. The document is made on the thread pool, off the caller's thread.
    /// </summary>
    public void Prepare(Uri uri, Func<Document?> document, SourceText text, int offset, TextSpan visible) =>
        Prepare(uri, document, text, [(offset, visible)]);

    /// <summary>
    /// As above, at several sites in turn (a member access, an argument list, an object creation: each warms other
    /// code), then <paramref name="then"/> (given a check that says when a request has asked); it stops as soon as a
    /// request asks about the document.
    /// </summary>
    public void Prepare(Uri uri, Func<Document?> document, SourceText text, IReadOnlyList<(int Offset, TextSpan Visible)> sites,
        Func<Document, Func<bool>, CancellationToken, Task>? then = null)
    {
        if (contextTokens <= 0 || sites.Count == 0 || _asked.ContainsKey(uri) || _running.ContainsKey(uri)) return;
        // One at a time: an editor restoring twenty tabs opens twenty documents at once; the first warms the
        // compiler for all, and the others are built when first asked.
        if (Interlocked.CompareExchange(ref _preparing, 1, 0) != 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                if (document() is not { } made) return;
                var clock = Stopwatch.StartNew();
                foreach (var (offset, visible) in sites)
                {
                    if (StartOrJoin(uri, made, offset, Key(text, offset), visible, prepared: true) is not { } build) return;
                    await build.Rendered.ConfigureAwait(false);
                }
                if (then is not null && !_asked.ContainsKey(uri))
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    var sitesDone = clock.Elapsed;
                    await then(made, () => _asked.ContainsKey(uri), timeout.Token).ConfigureAwait(false);
                    logger.Debug("Prepared {Uri}: {Sites} site(s) in {Ms:F0} ms, then the rest in {Then:F0} ms{Stopped}", uri, sites.Count,
                        sitesDone.TotalMilliseconds, (clock.Elapsed - sitesDone).TotalMilliseconds, _asked.ContainsKey(uri) ? " (a request came meanwhile)" : "");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Preparing is an improvement, never a requirement.
                logger.Debug(e, "Preparing the context of {Uri} failed", uri);
            }
            finally
            {
                Volatile.Write(ref _preparing, 0);
            }
        });
    }

    public void Forget(Uri uri)
    {
        _built.TryRemove(uri, out _);
        _asked.TryRemove(uri, out _);
        lock (_gate)
        {
            if (_running.TryRemove(uri, out var running)) running.Cancel.Cancel();
        }
    }

    /// <summary>The line, the line count and the line's text up to its last '.', '(' or ',' before the cursor.</summary>
    internal static string Key(SourceText text, int offset)
    {
        var line = text.Lines.GetLineFromPosition(offset);
        var linePrefix = text.ToString(TextSpan.FromBounds(line.Start, offset));
        return $"{line.LineNumber}:{text.Lines.Count}:{linePrefix[..(linePrefix.LastIndexOfAny(['.', '(', ',']) + 1)]}";
    }

    /// <param name="prepared">Preparing on opening: never cancels a request's build, and starts nothing once a
    /// request has asked (null then).</param>
    private Build? StartOrJoin(Uri uri, Document document, int offset, string key, TextSpan visible, bool prepared = false)
    {
        lock (_gate)
        {
            if (prepared && (_running.ContainsKey(uri) || _asked.ContainsKey(uri))) return null;
            if (_running.TryGetValue(uri, out var running))
            {
                if (running.Key == key) return running;
                // The cursor left that key: its context would serve nobody, and it would take the CPU from this one.
                running.Cancel.Cancel();
            }

            Interlocked.Increment(ref _builds);
            // Not tied to the request's token: a build that outlives its request still serves the next one.
            var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            // On the thread pool: the builder's first steps are synchronous, and the caller's wait must bound them too.
            var task = Task.Run(() => BuildAsync(uri, document, offset, key, visible, cancel.Token), CancellationToken.None);
            var build = new Build(key, task, cancel);
            _running[uri] = build;
            _ = task.ContinueWith(_ =>
            {
                lock (_gate)
                {
                    _running.TryRemove(new KeyValuePair<Uri, Build>(uri, build));
                    cancel.Dispose();
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return build;
        }
    }

    /// <summary>Builds and caches the context; never throws (context is an improvement, never a requirement).</summary>
    private async Task<string> BuildAsync(Uri uri, Document document, int offset, string key, TextSpan visible, CancellationToken token)
    {
        try
        {
            var rendered = await build(document, offset, visible, token).ConfigureAwait(false);
            token.ThrowIfCancellationRequested(); // a build the cursor has left must not replace a newer one
            _built[uri] = (key, rendered);
            return rendered;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            logger.Debug("Context for {Uri} cancelled: the cursor moved on, the document closed, or it ran past 10 s", uri);
            return "";
        }
        catch (Exception ex)
        {
            logger.Warning(ex, "Building the context for {Uri} failed; completing without it", uri);
            return "";
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
