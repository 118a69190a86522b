using System.Collections.Concurrent;
using System.Diagnostics;
using CodeLsp.Inference;
using CodeLsp.Inference.Constraints;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Completion;

/// <summary>Limits and windows of one pipeline; derived from <see cref="AssistantSettings"/>.</summary>
public sealed record PipelineOptions
{
    public int MaxTokens { get; init; } = 64;
    /// <summary>Single-line sites need fewer tokens; stopping early keeps latency down.</summary>
    public int MaxTokensSingleLine { get; init; } = 32;
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(3);
    public int PrefixLines { get; init; } = 96;
    public int SuffixLines { get; init; } = 32;
    public FimLayout Layout { get; init; } = FimLayout.PrefixSuffixMiddle;
    public int ContextTokens { get; init; } = 512;
    /// <summary>
    /// Longest a request waits for its context. A slower build (the first on a cold compilation) finishes in the
    /// background for the next request; this one uses the document's previous context.
    /// </summary>
    public TimeSpan ContextWait { get; init; } = TimeSpan.FromMilliseconds(40);
    public bool CompileCheck { get; init; } = true;
    /// <summary>Constrain the first identifier after <c>receiver.</c>, <c>new </c> and where a type is expected to what the compiler allows (<see cref="IdentifierConstraintSource"/>).</summary>
    public bool ConstrainedDecoding { get; init; } = true;
    public TriggerOptions Trigger { get; init; } = new();
}

/// <summary>What happened to one request; for logs, the benchmark and statistics.</summary>
public sealed record CompletionTrace(
    string Outcome,
    bool MultiLine,
    FimCompletion? Model,
    TimeSpan Total,
    TimeSpan Waited)
{
    /// <summary>The prompt the model was given, when it was asked.</summary>
    public FimPrompt? Prompt { get; init; }

    /// <summary>What the compiler said of the suggestion, when it was asked.</summary>
    public CompileVerdict? CompileCheck { get; init; }

    /// <summary>Where the time of a request that reached the model went (benchmarks find the server's overhead here).</summary>
    public CompletionPhases? Phases { get; init; }
}

/// <summary>
/// The time of one model request by phase: reading the site and the prompt window, waiting for the Roslyn
/// context, the engine call (its prompt and generation time are in <see cref="FimCompletion"/>; the rest is the
/// engine's own overhead: tokenizing, waiting for the model), cleaning, and the compile check.
/// </summary>
public sealed record CompletionPhases(TimeSpan Prompt, TimeSpan Context, TimeSpan Engine, TimeSpan Clean, TimeSpan CompileCheck);

/// <summary>
/// Position → prompt → model → clean suggestion. Owns, per document: the latest request (a newer one supersedes
/// it, cancelling it before or during decoding), the last suggestion shown (typing through it is answered without
/// the model; accepting it, whole or in part, is counted, and starts a prefetch of the next suggestion), and the
/// last syntax tree (reparsed incrementally).
/// </summary>
public sealed class InlineCompletionPipeline(IInferenceEngine model, PipelineOptions options, ILogger logger, AcceptanceStatistics? statistics = null, WorkspaceHost? workspace = null, SemanticContextBuilder? contextBuilder = null)
{
    // Shared across pipeline rebuilds (a settings change) when the owner passes one, so the solution's usage index
    // and the cached semantic model survive them.
    private readonly SemanticContextBuilder _contextBuilder = contextBuilder ??= new(workspace is null ? null : workspace.RecentDocuments);
    // The builder settled by the line above.
    private readonly PromptContextSource _contexts = new(contextBuilder, options.ContextTokens, options.ContextWait, model.CountTokens, logger);
    private const int RememberedIds = 64;
    private readonly ConcurrentDictionary<Uri, CancellationTokenSource> _latest = new();
    private readonly ConcurrentDictionary<Uri, ShownSuggestion> _shown = new();
    private readonly ConcurrentDictionary<string, ShownSuggestion> _byId = new();
    private readonly ConcurrentQueue<string> _idOrder = new();
    private readonly ConcurrentDictionary<Uri, Prefetch> _prefetch = new();
    private readonly ConcurrentDictionary<Uri, SyntaxTree> _trees = new();
    private readonly TriggerPolicy _trigger = new(options.Trigger);
    // Asks the compiler through the context's models.
    private readonly IdentifierConstraintSource _constraints = new(options.ContextWait, logger, contextBuilder);
    private long _ids;

    public IInferenceEngine Model => model;

    public PipelineOptions Options => options;

    /// <summary>The compiler's identifier lists fetched so far (for tests).</summary>
    internal int ConstraintLookups => _constraints.Lookups;

    /// <summary>Raised after each request with what happened.</summary>
    public event Action<Uri, CompletionTrace>? Completed;

    public async Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var uri = query.Document.Uri;
        if (query.Selected is { } selected)
        {
            return await CompleteSelectedAsync(query, selected, cancellationToken).ConfigureAwait(false);
        }

        var text = query.Document.Text;
        if (TypeThrough(uri, text, query.Offset) is { } through)
        {
            Report(uri, new CompletionTrace("type-through", through.Remaining.Contains('\n'), null, stopwatch.Elapsed, TimeSpan.Zero));
            return [Suggest(through.Shown, through.Remaining, query.Offset)];
        }
        if (_prefetch.TryGetValue(uri, out var prefetch) && prefetch.Offset == query.Offset && SameText(prefetch.Text, text))
        {
            var shown = await prefetch.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (shown is not null)
            {
                Report(uri, new CompletionTrace("prefetched", shown.Suggestion.Contains('\n'), null, stopwatch.Elapsed, TimeSpan.Zero));
                return [Suggest(shown, shown.Suggestion, query.Offset)];
            }
        }

        var decision = _trigger.Decide(uri, text, query.Offset, query.Trigger);
        if (!decision.Fire)
        {
            logger.Debug("No suggestion at {Uri}:{Offset}: {Reason}", uri, query.Offset, decision.Reason);
            Report(uri, new CompletionTrace("skipped: " + decision.Reason, false, null, stopwatch.Elapsed, TimeSpan.Zero));
            return [];
        }

        using var mine = await SupersedeAsync(uri, cancellationToken).ConfigureAwait(false);
        try
        {
            if (decision.Delay > TimeSpan.Zero)
            {
                // The compiler's list of identifiers takes tens of milliseconds on a large receiver: start it now, so
                // the debounce pays for it instead of the suggestion going unconstrained.
                if (options.ConstrainedDecoding && workspace is not null) _constraints.Start(uri, Parse(uri, text), text, query.Offset, workspace.GetDocument(uri, text));
                await Task.Delay(decision.Delay, mine.Token).ConfigureAwait(false);
            }
            var shown = await GenerateAsync(uri, text, query.Offset, stopwatch, mine.Token).ConfigureAwait(false);
            return shown is null ? [] : [Suggest(shown, shown.Suggestion, query.Offset)];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Superseded by a newer request for the same document: nobody waits for this answer any more.
            Report(uri, new CompletionTrace("superseded", false, null, stopwatch.Elapsed, TimeSpan.Zero));
            return [];
        }
        catch (OperationCanceledException)
        {
            Report(uri, new CompletionTrace("cancelled", false, null, stopwatch.Elapsed, TimeSpan.Zero));
            throw;
        }
        finally
        {
            _latest.TryRemove(new KeyValuePair<Uri, CancellationTokenSource>(uri, mine));
        }
    }

    /// <summary>The client ran the accept command of a suggestion: count it, and prepare the next one.</summary>
    public void Accepted(string suggestionId)
    {
        if (!_byId.TryGetValue(suggestionId, out var shown)) return;
        if (shown.Settle(shown.Suggestion.Length)) statistics?.Accepted(model.Info.ModelName, shown.Suggestion.Length);
        StartPrefetch(shown);
    }

    /// <summary>
    /// A document changed. An edit that inserted the start of the shown suggestion (two characters or more at once,
    /// as "accept next word" does) counts as a partial acceptance; the whole of it, as an acceptance.
    /// </summary>
    public void DocumentChanged(Uri uri, SourceText text)
    {
        if (!_shown.TryGetValue(uri, out var shown)) return;
        var inserted = text.Length - shown.Text.Length;
        if (inserted < 2 || inserted > shown.Suggestion.Length || inserted <= shown.AcceptedChars) return;
        if (!SameSpan(text, shown.Text, 0, 0, shown.Offset) ||
            !SameSpan(text, shown.Text, shown.Offset + inserted, shown.Offset, shown.Text.Length - shown.Offset) ||
            text.ToString(new TextSpan(shown.Offset, inserted)) != shown.Suggestion[..inserted])
        {
            return;
        }
        var whole = inserted == shown.Suggestion.Length;
        var first = shown.AcceptedChars == 0;
        if (whole)
        {
            if (shown.Settle(inserted)) statistics?.Accepted(model.Info.ModelName, shown.Suggestion.Length);
            StartPrefetch(shown);
        }
        else
        {
            shown.AcceptedChars = inserted;
            if (first) statistics?.PartiallyAccepted(model.Info.ModelName, shown.Suggestion.Length, inserted);
        }
    }

    /// <summary>
    /// A document was opened: build its Roslyn context in the background at the sites of <see cref="WarmUpSites"/>
    /// in turn (receiver members, overloads, constructors: the costly first steps), so the compiler's models of it and
    /// the context code are ready before the user's first keystroke there (the first builds of a session took
    /// 140–590 ms, warm ones 8–14 ms: <c>codelsp bench completion</c>), then the documentation of the assemblies it
    /// imports from (<see cref="ImportedDocumentation"/>). A request stops it.
    /// </summary>
    public void DocumentOpened(Uri uri, SourceText text)
    {
        if (workspace is null || text.Length == 0) return;
        // Off the protocol loop: parsing and finding the sites of a large file takes milliseconds.
        _ = Task.Run(() =>
        {
            var tree = Parse(uri, text);
            var offsets = WarmUpSites(tree);
            var document = workspace.GetDocument(uri, text);
            if (offsets.Count == 0) offsets = [text.Lines[text.Lines.Count / 2].Start];
            var sites = offsets.Select(offset =>
            {
                var (prefix, suffix) = PromptWindow.Take(text, offset, options.PrefixLines, options.SuffixLines);
                return (offset, TextSpan.FromBounds(offset - prefix.Length, offset + suffix.Length));
            }).ToList();
            // Then the same sites as while typing there (a speculative model of incomplete code).
            _contexts.Prepare(uri, () => document, text, sites, async (made, stop, token) =>
            {
                await _contextBuilder.PrepareTypingAsync(made, offsets, stop, token).ConfigureAwait(false);
                // Finished before the user asked for anything: the preparation's garbage is collected now, not at a keystroke.
                if (!stop()) ProcessMemory.CollectYoungGenerations();
            });
            // Beside them, and not stopped by a request: the documentation files of the assemblies it imports from (the
            // first summary read from each indexes it, ~15 ms for System.Runtime.xml). When the preparation ran past
            // the first keystroke, the keystroke that first listed a framework constructor's overloads paid for it
            // (19 ms of a 21 ms context build, about 1 run in 10 of `codelsp bench completion`).
            _ = WarmDocumentationAsync(document);
        });
    }

    private async Task WarmDocumentationAsync(Document document)
    {
        try
        {
            await ImportedDocumentation.WarmAsync(document, static () => false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.Debug(e, "Reading the documentation ahead failed for {Path}", document.FilePath);
        }
    }

    /// <summary>
    /// Inside method, accessor or lambda bodies: just after the dot of the first member access, after the '(' of the
    /// first call and of the first object creation (receiver members, overloads, constructors: each warms its own code),
    /// then after the dot of the file's most used receivers (<see cref="FrequentReceivers"/>): a type's members and the
    /// extension methods that apply to it are listed once per compilation and scope, and the user's first
    /// <c>_repository.</c> would pay for that list (4–9 ms for a small interface with LINQ in scope).
    /// </summary>
    internal static List<int> WarmUpSites(SyntaxTree tree)
    {
        var inBodies = tree.GetRoot().DescendantNodes()
            .Where(n => n.Ancestors().Any(a => a is Microsoft.CodeAnalysis.CSharp.Syntax.BlockSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax))
            .ToList();
        var accesses = inBodies.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax>().ToList();
        int? access = accesses.FirstOrDefault()?.OperatorToken.Span.End;
        int? call = inBodies.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>().FirstOrDefault()?.ArgumentList.OpenParenToken.Span.End;
        int? creation = inBodies.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax>().FirstOrDefault(c => c.ArgumentList is not null)?.ArgumentList!.OpenParenToken.Span.End;
        var first = new[] { access, call, creation }.OfType<int>().Distinct().ToList();
        var firstReceiver = accesses.FirstOrDefault()?.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name ? name.Identifier.ValueText : null;
        return [.. first, .. FrequentReceivers(accesses, firstReceiver).Except(first)];
    }

    /// <summary>How many receivers <see cref="WarmUpSites"/> adds: each costs one context build and one member list at opening.</summary>
    internal const int WarmedReceivers = 3;

    /// <summary>
    /// The simple names dotted into more than once in the file (fields, properties, locals, parameters:
    /// <c>_repository.</c>, <c>item.</c>), most used first, at most <see cref="WarmedReceivers"/> besides
    /// <paramref name="warmed"/>: the offset after the dot of each one's first access.
    /// </summary>
    private static IEnumerable<int> FrequentReceivers(List<Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax> accesses, string? warmed) =>
        accesses.Where(a => a.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax name && name.Identifier.ValueText != warmed)
            .GroupBy(a => ((Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax)a.Expression).Identifier.ValueText, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.First().SpanStart)
            .Take(WarmedReceivers)
            .Select(g => g.First().OperatorToken.Span.End);

    /// <summary>Forgets what belongs to a closed document.</summary>
    public void Forget(Uri uri)
    {
        _shown.TryRemove(uri, out _);
        _contexts.Forget(uri);
        _prefetch.TryRemove(uri, out _);
        _trees.TryRemove(uri, out _);
        _constraints.Forget(uri);
    }

    private async Task<ShownSuggestion?> GenerateAsync(Uri uri, SourceText text, int offset, Stopwatch stopwatch, CancellationToken token)
    {
        var waited = stopwatch.Elapsed;
        var phase = Stopwatch.GetTimestamp();
        TimeSpan Lap()
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(phase, now);
            phase = now;
            return elapsed;
        }
        var tree = Parse(uri, text);
        var multiLine = CompletionShape.IsMultiLine(tree, offset);
        var (prefix, suffix) = PromptWindow.Take(text, offset, options.PrefixLines, options.SuffixLines);
        var document = workspace?.GetDocument(uri, text);
        // Both wait at most ContextWait, side by side.
        var constraint = document is not null && options.ConstrainedDecoding
            ? _constraints.ForAsync(uri, tree, text, offset, document, token)
            : Task.FromResult<IdentifierConstraint?>(null);
        var promptPhase = Lap();
        var context = document is null ? null : await _contexts.ForAsync(uri, document, text, offset, TextSpan.FromBounds(offset - prefix.Length, offset + suffix.Length), token).ConfigureAwait(false);
        var prompt = new FimPrompt(prefix, suffix) { Layout = options.Layout, Context = context, FirstIdentifier = await constraint.ConfigureAwait(false) };
        var contextPhase = Lap(); // the Roslyn context and the identifier constraint, waited for side by side
        var limits = new GenerationLimits(multiLine ? options.MaxTokens : Math.Min(options.MaxTokens, options.MaxTokensSingleLine), options.TimeLimit)
        {
            // Cleaning keeps only the first line at a single-line site: once it is complete, more text is waste
            // (and a remote engine's request is closed at once).
            StopWhen = multiLine ? null : static text => text.AsSpan().IndexOfAny('\n', '\r') >= 0,
        };
        logger.Debug("FIM prompt for {Uri}: prefix {Prefix} suffix {Suffix}", uri, prefix, suffix);

        FimCompletion generated;
        try
        {
            generated = await model.CompleteAsync(prompt, limits, token).ConfigureAwait(false);
        }
        catch (EngineRequestException ex)
        {
            // A remote engine failed (the engine tells the user once); this keystroke gets no suggestion.
            Report(uri, new CompletionTrace("engine error: " + ex.Problem, multiLine, null, stopwatch.Elapsed, waited) { Prompt = prompt });
            return null;
        }
        var enginePhase = Lap();
        _trigger.RecordModelLatency(generated.PromptTime + generated.GenerationTime);
        var site = CompletionSiteReader.Read(text, offset, multiLine);
        // A name cut by the token or time limit is part of a name, which is no member: nothing worth showing.
        var cutInsideName = generated.Constraint is { Unfinished: true };
        var suggestion = cutInsideName ? null : SuggestionPostprocessor.Clean(generated.Text, site);
        var cleanPhase = Lap();
        CompileVerdict? verdict = null;
        if (suggestion is not null && document is not null && options.CompileCheck && HasRealProject(document))
        {
            verdict = await SuggestionCompileCheck.CheckAsync(document, offset, suggestion, token).ConfigureAwait(false);
            if (verdict.Introduces)
            {
                logger.Debug("Dropped a suggestion the compiler rejects: {Errors}", string.Join("; ", verdict.NewErrors));
                suggestion = null;
            }
        }
        var outcome = verdict is { Introduces: true } ? "dropped by compile check" : cutInsideName ? "cut inside a name" : suggestion is null ? "empty after cleaning" : "model";
        var phases = new CompletionPhases(promptPhase, contextPhase, enginePhase, cleanPhase, Lap());
        Report(uri, new CompletionTrace(outcome, multiLine, generated, stopwatch.Elapsed, waited) { Prompt = prompt, CompileCheck = verdict, Phases = phases });
        if (suggestion is null) return null;

        var shown = new ShownSuggestion(text, offset, suggestion);
        _shown[uri] = shown;
        statistics?.Shown(model.Info.ModelName, suggestion.Length);
        return shown;
    }

    /// <summary>Roslyn context builds started so far (for tests).</summary>
    internal int ContextBuilds => _contexts.Builds;

    /// <summary>Only a document of a loaded project has all its references; elsewhere "unknown type" proves nothing.</summary>
    private bool HasRealProject(Document document) =>
        workspace?.State is { Status: WorkspaceLoadStatus.Loaded, Mode: WorkspaceMode.MSBuild } &&
        document.Project.Name != "Miscellaneous Files";

    /// <summary>
    /// After an acceptance the editor will ask at the end of the accepted text: compute that suggestion now, in the
    /// background, on the text as it will be. A newer request for the document cancels it unless it asks exactly there.
    /// </summary>
    private void StartPrefetch(ShownSuggestion accepted)
    {
        var uri = _shown.FirstOrDefault(p => ReferenceEquals(p.Value, accepted)).Key;
        if (uri is null) return;
        var text = accepted.Text.WithChanges(new TextChange(new TextSpan(accepted.Offset, 0), accepted.Suggestion));
        var offset = accepted.Offset + accepted.Suggestion.Length;
        var cts = new CancellationTokenSource();
        var previous = _latest.GetValueOrDefault(uri);
        _latest[uri] = cts;
        previous?.Cancel();
        var task = Task.Run(async () =>
        {
            try
            {
                return await GenerateAsync(uri, text, offset, Stopwatch.StartNew(), cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            finally
            {
                _latest.TryRemove(new KeyValuePair<Uri, CancellationTokenSource>(uri, cts));
                cts.Dispose();
            }
        });
        _prefetch[uri] = new Prefetch(text, offset, task);
    }

    /// <summary>Registers a request as the document's latest, cancelling the one before it.</summary>
    private async Task<CancellationTokenSource> SupersedeAsync(Uri uri, CancellationToken cancellationToken)
    {
        var mine = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var previous = _latest.GetValueOrDefault(uri);
        _latest[uri] = mine;
        _prefetch.TryRemove(uri, out _);
        if (previous is not null)
        {
            try
            {
                await previous.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // It finished meanwhile.
            }
        }
        return mine;
    }

    private InlineSuggestion Suggest(ShownSuggestion shown, string text, int offset)
    {
        var id = "s" + Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _byId[id] = shown;
        _idOrder.Enqueue(id);
        while (_idOrder.Count > RememberedIds && _idOrder.TryDequeue(out var old)) _byId.TryRemove(old, out _);
        return new InlineSuggestion(text, new TextSpan(offset, 0), id);
    }

    /// <summary>
    /// The editor's completion list has an item selected: complete as if it were accepted, and start the
    /// suggestion with it, so the ghost text extends the selection instead of contradicting it.
    /// </summary>
    private async Task<IReadOnlyList<InlineSuggestion>> CompleteSelectedAsync(InlineCompletionQuery query, SelectedCompletion selected, CancellationToken cancellationToken)
    {
        var range = selected.Range;
        if (range.End > query.Document.Text.Length) return [];
        var applied = query.Document.Text.WithChanges(new TextChange(range, selected.Text));
        var offset = range.Start + selected.Text.Length;
        var inner = query with
        {
            Document = query.Document with { Text = applied },
            Offset = offset,
            Selected = null,
            Trigger = CompletionTrigger.Invoked,
        };
        var results = await CompleteAsync(inner, cancellationToken).ConfigureAwait(false);
        return results.Select(r => r with { InsertText = selected.Text + r.InsertText, Range = range }).ToList();
    }

    /// <summary>
    /// The user typed characters that the last suggestion predicted: answer with the rest of it, without the model.
    /// Valid only when the text after the typed characters is unchanged.
    /// </summary>
    private (ShownSuggestion Shown, string Remaining)? TypeThrough(Uri uri, SourceText text, int offset)
    {
        if (!_shown.TryGetValue(uri, out var shown)) return null;
        var typedLength = offset - shown.Offset;
        if (typedLength <= 0 || typedLength >= shown.Suggestion.Length) return null;
        if (text.Length != shown.Text.Length + typedLength) return null;
        var typed = text.ToString(new TextSpan(shown.Offset, typedLength));
        if (!shown.Suggestion.StartsWith(typed, StringComparison.Ordinal)) return null;
        // Same text before and after the typed characters.
        if (!SameSpan(text, shown.Text, 0, 0, shown.Offset) ||
            !SameSpan(text, shown.Text, offset, shown.Offset, shown.Text.Length - shown.Offset))
        {
            return null;
        }
        return (shown, shown.Suggestion[typedLength..]);
    }

    private static bool SameText(SourceText a, SourceText b) => a.Length == b.Length && SameSpan(a, b, 0, 0, a.Length);

    private static bool SameSpan(SourceText a, SourceText b, int aStart, int bStart, int length)
    {
        const int chunk = 4096;
        var bufferA = new char[Math.Min(chunk, Math.Max(length, 1))];
        var bufferB = new char[bufferA.Length];
        for (var done = 0; done < length; done += chunk)
        {
            var n = Math.Min(chunk, length - done);
            a.CopyTo(aStart + done, bufferA, 0, n);
            b.CopyTo(bStart + done, bufferB, 0, n);
            if (!bufferA.AsSpan(0, n).SequenceEqual(bufferB.AsSpan(0, n))) return false;
        }
        return true;
    }

    private SyntaxTree Parse(Uri uri, SourceText text)
    {
        var tree = _trees.TryGetValue(uri, out var old) ? old.WithChangedText(text) : CSharpSyntaxTree.ParseText(text);
        _trees[uri] = tree;
        return tree;
    }

    private void Report(Uri uri, CompletionTrace trace)
    {
        logger.Debug("Completion {Outcome} in {Ms:F1} ms", trace.Outcome, trace.Total.TotalMilliseconds);
        Completed?.Invoke(uri, trace);
    }

    private sealed class ShownSuggestion(SourceText text, int offset, string suggestion)
    {
        private int _settled;

        public SourceText Text { get; } = text;
        public int Offset { get; } = offset;
        public string Suggestion { get; } = suggestion;
        public int AcceptedChars { get; set; }

        /// <summary>Marks it accepted once; false if it already was (the command and the edit both report it).</summary>
        public bool Settle(int chars)
        {
            AcceptedChars = chars;
            return Interlocked.Exchange(ref _settled, 1) == 0;
        }
    }

    private sealed record Prefetch(SourceText Text, int Offset, Task<ShownSuggestion?> Task);
}
