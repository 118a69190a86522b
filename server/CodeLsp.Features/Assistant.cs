using CodeLsp.Features.Actions;
using System.Collections.Concurrent;
using CodeLsp.Features.Completion;
using CodeLsp.Features.NextEdits;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features;

/// <summary>
/// The assistant behind the language server. Owns the model's lifetime (loaded in the background when the model
/// path or load options change; the old model serves until the new one is ready) and the completion pipeline.
/// </summary>
public sealed class Assistant(ILogger logger, AcceptanceStatistics? statistics = null) : IAssistant
{
    private readonly WorkspaceHost _workspace = new(logger);

    /// <summary>One context builder for every pipeline this assistant makes: its usage index and cached model outlive settings changes.</summary>
    private SemanticContextBuilder? _contextBuilder;

    private SemanticContextBuilder ContextBuilder =>
        LazyInitializer.EnsureInitialized(ref _contextBuilder, () => new SemanticContextBuilder(_workspace.RecentDocuments));
    private readonly ConcurrentDictionary<string, NextEditSource> _shownNextEdits = new();
    private NextEditTracker? _nextEdits;
    private CancellationTokenSource? _workspaceLoad;
    private ICodeActionProvider? _codeActions;

    /// <summary>The command a client runs when the user accepts a suggestion (its argument: the suggestion id).</summary>
    public const string AcceptedCommand = "codelsp.suggestionAccepted";

    private readonly object _gate = new();
    private AssistantSettings _settings = new();
    private ModelLoadOptions? _loadOptions;
    private RemoteEngineOptions? _remote;
    private CancellationTokenSource? _loading;
    private InlineCompletionPipeline? _pipeline;
    private ModelStatus _status = new ModelStatus.NotConfigured();
    private bool _disposed;
    private ModelIdleUnloader? _idle;
    private IdleMemoryTrimmer? _memoryTrimmer;

    /// <summary>Once the user pauses: the compilations edits left in progress are finished, then memory is trimmed (<see cref="WorkspaceHost.TrimWhenIdleAsync"/>).</summary>
    private IdleMemoryTrimmer MemoryTrim => LazyInitializer.EnsureInitialized(ref _memoryTrimmer,
        () => new IdleMemoryTrimmer(() => _ = TrimWhenIdleAsync(), IdleMemoryTrimmer.QuietPeriod));
    private bool _unloadedForIdle;
    private int _requestsInFlight;
    private string? _contextNoticeFor;

    public ModelStatus Status => Volatile.Read(ref _status);

    public event Action<ModelStatus>? StatusChanged;

    /// <summary>Raised after each completion request with what happened (for benchmarks and statistics).</summary>
    public event Action<Uri, CompletionTrace>? CompletionTraced;

    /// <summary>The ready pipeline, if any (for the CLI and benchmarks).</summary>
    public InlineCompletionPipeline? Pipeline => Volatile.Read(ref _pipeline);

    public void ApplySettings(AssistantSettings settings)
    {
        lock (_gate)
        {
            if (_disposed) return;
            _settings = settings;
            (_idle ??= new ModelIdleUnloader(UnloadForIdle)).Configure(settings.UnloadAfterIdleMinutes);
            // The compiler's code, JIT-compiled before the first document is opened (once per process, in the background).
            if (settings.Enabled) CompilerWarmUp.Start(e => logger.Debug(e, "Warming the compiler up failed"));
            if (settings.Engine != EngineKinds.Local || _remote is not null)
            {
                if (ApplyEngine(settings)) return;
            }
            var path = ExpandPath(settings.ModelPath);
            if (path is null)
            {
                _loading?.Cancel();
                _loadOptions = null;
                SwapPipeline(null);
                SetStatus(new ModelStatus.NotConfigured());
                return;
            }
            var load = new ModelLoadOptions { Path = path, ContextSize = settings.ContextSize, Threads = settings.Threads };
            if (load == _loadOptions)
            {
                // Same model: only generation options changed; rebuild the pipeline around the loaded model.
                if (_pipeline is { } current) SwapPipeline(new InlineCompletionPipeline(current.Model, PipelineOptionsFrom(settings), logger, statistics, _workspace, ContextBuilder));
                return;
            }
            _loadOptions = load;
            StartLoad(load);
        }
    }

    /// <summary>
    /// Applies the <c>engine</c> settings (under <see cref="_gate"/>): a remote engine replaces the pipeline's engine at
    /// once (no restart, no socket until then) and is probed in the background; true when that handled the settings.
    /// Leaving a remote engine for <c>local</c> drops it and returns false, so the model path is applied as usual.
    /// </summary>
    private bool ApplyEngine(AssistantSettings settings)
    {
        var (remote, problem) = RemoteEngineSettings.From(settings);
        if (remote is null && problem is null)
        {
            _remote = null;
            SwapPipeline(null);
            return false;
        }
        if (problem is null && remote == _remote && _pipeline is { } same)
        {
            // Same engine (settings arrive twice at start-up): keep its connection probe running.
            SwapPipeline(new InlineCompletionPipeline(same.Model, PipelineOptionsFrom(settings), logger, statistics, _workspace, ContextBuilder));
            return true;
        }
        _loading?.Cancel();
        _loadOptions = null;
        if (problem is not null)
        {
            _remote = null;
            SwapPipeline(null);
            logger.Error("Engine settings: {Problem}", problem);
            SetStatus(new ModelStatus.Failed(settings.EngineUrl ?? settings.Engine, problem));
            return true;
        }
        _remote = remote;
        var engine = RemoteEngines.Create(remote!, logger);
        engine.Notice += message => Notice?.Invoke(message);
        SwapPipeline(new InlineCompletionPipeline(engine, PipelineOptionsFrom(settings), logger, statistics, _workspace, ContextBuilder));
        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        SetStatus(new ModelStatus.Loading(remote!.BaseUrl.ToString(), 0));
        _ = Task.Run(() => ConnectAsync(engine, token), token);
        return true;
    }

    /// <summary>Asks the remote engine what it serves, so a wrong URL, key or model shows now rather than at the first keystroke.</summary>
    private async Task ConnectAsync(RemoteEngine engine, CancellationToken token)
    {
        var url = engine.Options.BaseUrl.ToString();
        try
        {
            var probe = await engine.ConnectAsync(token).ConfigureAwait(false);
            lock (_gate)
            {
                if (token.IsCancellationRequested || _disposed) return;
                logger.Information("Engine {Kind} at {Url}: model {Model}, answered in {Ms:F0} ms", engine.Options.Kind, url, probe.ModelName, probe.Latency.TotalMilliseconds);
                SetStatus(new ModelStatus.Ready(url, probe.ModelName, probe.Latency) { Engine = engine.Options.Kind });
            }
            if (probe.Warning is { } warning) Notice?.Invoke(warning);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (EngineRequestException ex)
        {
            logger.Error("Engine {Kind} at {Url}: {Message}", engine.Options.Kind, url, ex.Message);
            lock (_gate)
            {
                // The pipeline stays: once the server answers, completions work and the status recovers.
                if (!token.IsCancellationRequested && !_disposed) SetStatus(new ModelStatus.Failed(url, ex.Message));
            }
        }
    }

    /// <summary>Starts loading <paramref name="load"/> in the background, superseding any load under way. Call under the gate.</summary>
    private void StartLoad(ModelLoadOptions load)
    {
        _unloadedForIdle = false;
        _loading?.Cancel();
        _loading = new CancellationTokenSource();
        var token = _loading.Token;
        SetStatus(new ModelStatus.Loading(load.Path, 0));
        _ = Task.Run(() => LoadAsync(load, token), token);
    }

    public Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline;
        if (pipeline is null && _settings.Enabled && ReloadAfterIdle()) return TrackAsync(() => ReloadThenCompleteAsync(query, cancellationToken));
        if (pipeline is null || !_settings.Enabled) return Task.FromResult<IReadOnlyList<InlineSuggestion>>([]);
        return TrackAsync(() => pipeline.CompleteAsync(query, cancellationToken));
    }

    /// <summary>Counts a request as in flight until it ends (the idle unloader never frees a model in use), then restarts the idle interval.</summary>
    private async Task<IReadOnlyList<InlineSuggestion>> TrackAsync(Func<Task<IReadOnlyList<InlineSuggestion>>> request)
    {
        Interlocked.Increment(ref _requestsInFlight);
        try
        {
            return await request().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _requestsInFlight);
            _idle?.Touch();
        }
    }

    /// <summary>If the model was unloaded for idleness, starts reloading it; true when this request should wait for that.</summary>
    private bool ReloadAfterIdle()
    {
        lock (_gate)
        {
            if (_disposed || !_unloadedForIdle || _loadOptions is null) return false;
            logger.Information("Reloading model {Path} after idle unload", _loadOptions.Path);
            StartLoad(_loadOptions);
            return true;
        }
    }

    private async Task<IReadOnlyList<InlineSuggestion>> ReloadThenCompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken)
    {
        await WaitForModelAsync(cancellationToken).ConfigureAwait(false);
        return Pipeline is { } pipeline ? await pipeline.CompleteAsync(query, cancellationToken).ConfigureAwait(false) : [];
    }

    /// <summary>The idle timer fired: frees the model (its weights, context and KV cache); the next request reloads it.</summary>
    private void UnloadForIdle()
    {
        lock (_gate)
        {
            if (_disposed || _pipeline is null || _loadOptions is null || _status is not ModelStatus.Ready) return;
            if (Volatile.Read(ref _requestsInFlight) > 0)
            {
                _idle?.Touch();
                return;
            }
            SwapPipeline(null);
            _unloadedForIdle = true;
            logger.Information("Model {Path} unloaded after {Minutes:0.##} idle minute(s); the next request reloads it", _loadOptions.Path, _settings.UnloadAfterIdleMinutes);
            SetStatus(new ModelStatus.Unloaded(_loadOptions.Path));
        }
    }

    public void SuggestionAccepted(string suggestionId) => Pipeline?.Accepted(suggestionId);

    public void DocumentOpened(TextDocumentState document)
    {
        if (document.IsCSharp && _settings.Enabled) Pipeline?.DocumentOpened(document.Uri, document.Text);
    }

    public void DocumentChanged(TextDocumentState document)
    {
        _idle?.Touch();
        MemoryTrim.Touch();
        if (document.IsCSharp) NextEdits.DocumentChanged(document.Uri, document.Version, document.Text);
        Pipeline?.DocumentChanged(document.Uri, document.Text);
    }

    /// <summary>Follow-up edits after each change: analysed in the background against the solution before the edit.</summary>
    public NextEditTracker NextEdits
    {
        get
        {
            if (Volatile.Read(ref _nextEdits) is { } tracker) return tracker;
            var created = new NextEditTracker(_workspace, logger, () => Pipeline?.Model);
            return Interlocked.CompareExchange(ref _nextEdits, created, null) ?? created;
        }
    }

    public async Task<IReadOnlyList<NextEdit>?> NextEditsAsync(Uri uri, int version, LinePosition position, CancellationToken cancellationToken)
    {
        var edits = await NextEdits.EditsAsync(uri, version, position, useModel: _settings.Enabled, cancellationToken).ConfigureAwait(false);
        foreach (var edit in edits ?? [])
        {
            if (_shownNextEdits.Count > 10_000) _shownNextEdits.Clear();
            if (_shownNextEdits.TryAdd(edit.Id, edit.Source)) statistics?.NextEditShown(SourceName(edit.Source));
        }
        return edits;
    }

    public async Task<IReadOnlyList<NextEdit>?> NextEditFixesAsync(Uri uri, int version, CancellationToken cancellationToken)
    {
        var result = await NextEdits.CompilerEditsAsync(uri, version, cancellationToken).ConfigureAwait(false);
        foreach (var edit in result?.Edits ?? []) _shownNextEdits.TryAdd(edit.Id, edit.Source);
        return result?.Edits;
    }

    public IReadOnlyList<PendingModelEdit> NextEditModelSites(Uri uri, int version) => NextEdits.ModelSites(uri, version);

    public void NextEditFeedback(string id, NextEditOutcome outcome)
    {
        var source = SourceName(_shownNextEdits.TryGetValue(id, out var s) ? s : NextEditSource.Compiler);
        logger.Debug("Next edit {Id} ({Source}) {Outcome}", id, source, outcome);
        if (outcome == NextEditOutcome.Accepted) statistics?.NextEditAccepted(source);
        else statistics?.NextEditDismissed(source);
    }

    private static string SourceName(NextEditSource source) => source == NextEditSource.Model ? "model" : "compiler";

    public void DocumentClosed(Uri uri)
    {
        _nextEdits?.DocumentClosed(uri);
        Pipeline?.Forget(uri);
        _contextBuilder?.DocumentClosed(WorkspaceHost.PathOf(uri));
        MemoryTrim.Touch();
        _workspace.DocumentClosed(uri);
    }

    /// <summary>Every code-action provider, in menu order (AI actions first; next edits plug in here).</summary>
    private ICodeActionProvider CodeActions => _codeActions ??= new CodeActionProviders(
        [new AiCodeActionProvider(_workspace, () => Pipeline?.Model.Info, logger)], logger);

    public Task<IReadOnlyList<ActionOffer>> GetCodeActionsAsync(CodeActionQuery query, CancellationToken cancellationToken) =>
        CodeActions.GetActionsAsync(query, cancellationToken);

    public async Task<AiActionOutcome> RunActionAsync(AiActionArguments arguments, TextDocumentState document, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (document.Version != arguments.Version)
        {
            return new AiActionOutcome
            {
                Action = arguments.Action,
                Refusal = $"The document changed since the action was offered (version {arguments.Version}, now {document.Version}); ask for the action again.",
            };
        }

        var roslyn = _workspace.GetDocument(document.Uri, document.Text);
        var options = new ActionOptions { TimeLimit = TimeSpan.FromMilliseconds(Math.Max(_settings.ActionTimeLimitMs, 1000)) };
        return await new AiActionRunner(logger, options).RunAsync(Pipeline?.Model, roslyn, arguments, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Roslyn workspace behind completions (context, compile checks); loaded by <see cref="OpenWorkspace"/>.</summary>
    public WorkspaceHost Workspace => _workspace;

    public void OpenWorkspace(string folder, bool trusted)
    {
        CancellationToken token;
        lock (_gate)
        {
            if (_disposed) return;
            _workspaceLoad?.Cancel();
            _workspaceLoad = new CancellationTokenSource();
            token = _workspaceLoad.Token;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                WorkspaceProgress?.Invoke(new WorkspaceLoadUpdate(folder, "Looking for projects", Done: false));
                var progress = new SynchronousProgress<WorkspaceLoadProgress>(p =>
                {
                    logger.Debug("Workspace: {Message}", p.Message);
                    WorkspaceProgress?.Invoke(new WorkspaceLoadUpdate(folder, p.Message, Done: false));
                });
                var settings = _settings;
                var loadOptions = new WorkspaceLoadOptions { TargetFramework = settings.TargetFramework, AllTargetFrameworks = settings.LoadAllTargetFrameworks };
                await _workspace.LoadAsync(folder, trusted, progress, token, loadOptions).ConfigureAwait(false);
                var state = _workspace.State;
                logger.Information("Workspace {Folder}: {Status} ({Mode}), {Projects} project(s), {Documents} document(s) in {Ms:F0} ms",
                    folder, state.Status, state.Mode, state.ProjectCount, state.DocumentCount, state.Elapsed.TotalMilliseconds);
                WorkspaceProgress?.Invoke(new WorkspaceLoadUpdate(folder, $"{state.ProjectCount} project(s), {state.DocumentCount} document(s) in {state.Elapsed.TotalSeconds:0.0} s", Done: true));
                var summary = state.UserMessage;
                if (summary is not null) Notice?.Invoke(summary);
                // Count how the solution uses each member and type now, so the first completion need not (seconds on a big solution).
                ContextBuilder.IndexUsage(_workspace.CurrentSolution, token);
                // Loading allocated far more than the workspace keeps: give the free part back now (docs/benchmarks.md, "Real
                // solutions"), and once more when the quiet period has passed: the loader lets go of its own snapshot (every
                // target framework's projects and the copies of their references) only in the seconds after it finished.
                await TrimMemoryAsync("workspace loaded", () =>
                {
                    ProcessMemory.Trim();
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                MemoryTrim.Touch();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                logger.Error(ex, "Loading the workspace {Folder} failed", folder);
                WorkspaceProgress?.Invoke(new WorkspaceLoadUpdate(folder, "Failed", Done: true));
                Notice?.Invoke($"CodeLsp could not load the projects in {folder}: {ex.Message}. Completions use the open files only.");
            }
        }, token);
    }

    private async Task TrimWhenIdleAsync()
    {
        try
        {
            await TrimMemoryAsync("idle after editing", () => _workspace.TrimWhenIdleAsync(CancellationToken.None)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.Warning(e, "The idle memory trim failed");
        }
    }

    /// <summary>Runs <paramref name="trim"/> and logs what it gave back.</summary>
    private async Task TrimMemoryAsync(string why, Func<Task> trim)
    {
        var before = Environment.WorkingSet;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await trim().ConfigureAwait(false);
        logger.Debug("Memory trimmed ({Why}) in {Ms} ms: working set {Before} MB -> {After} MB", why, clock.ElapsedMilliseconds, before >> 20, Environment.WorkingSet >> 20);
    }

    /// <summary>Something the user should be told once (the server shows it with window/showMessage).</summary>
    public event Action<string>? Notice;

    public event Action<WorkspaceLoadUpdate>? WorkspaceProgress;

    public void FileChangedOnDisk(Uri uri) => _workspace.FileChangedOnDisk(uri);

    public void FileDeleted(Uri uri) => _workspace.FileDeleted(uri);

    /// <summary>Waits until the current load finished (ready or failed); for the CLI, tests and benchmarks.</summary>
    public async Task<ModelStatus> WaitForModelAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<ModelStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(ModelStatus s)
        {
            if (s is not ModelStatus.Loading) done.TrySetResult(s);
        }
        StatusChanged += OnChange;
        try
        {
            if (Status is not ModelStatus.Loading) return Status;
            await using var _ = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
            return await done.Task.ConfigureAwait(false);
        }
        finally
        {
            StatusChanged -= OnChange;
        }
    }

    private async Task LoadAsync(ModelLoadOptions options, CancellationToken token)
    {
        ModelHost? host = null;
        string? notice = null;
        try
        {
            logger.Information("Loading model {Path}", options.Path);
            // Synchronous on purpose: Progress<T> posts to the thread pool, and a late "Loading" could land after "Ready".
            var progress = new SynchronousProgress<float>(p =>
            {
                lock (_gate)
                {
                    if (!token.IsCancellationRequested && _status is ModelStatus.Loading) SetStatus(new ModelStatus.Loading(options.Path, p));
                }
            });
            host = await ModelHost.LoadAsync(options, progress, token, logger).ConfigureAwait(false);
            if (!host.Description.SupportsFim)
            {
                throw new ModelLoadException(options.Path,
                    $"Model '{host.Description.Name}' ({options.Path}) has no fill-in-the-middle tokens, so it cannot complete code at the cursor. Use a code model with FIM support, such as Qwen2.5-Coder.");
            }
            lock (_gate)
            {
                if (token.IsCancellationRequested || _disposed) { host.Dispose(); return; }
                SwapPipeline(new InlineCompletionPipeline(new LocalEngine(host), PipelineOptionsFrom(_settings), logger, statistics, _workspace, ContextBuilder));
                host = null;
                var description = ((LocalEngine)Pipeline!.Model).Host.Description;
                logger.Information("Model {Name} ready in {Ms:F0} ms ({Path})", description.Name, description.LoadTime.TotalMilliseconds, description.Path);
                notice = description.ContextNotice;
                SetStatus(new ModelStatus.Ready(options.Path, description.Name, description.LoadTime));
                _idle?.Touch();
            }
            // Not enough memory for the contextSize asked: said once per model and size (an idle reload lowers it again).
            var noticeKey = $"{options.Path}|{options.ContextSize}";
            if (notice is not null && Interlocked.Exchange(ref _contextNoticeFor, noticeKey) != noticeKey) Notice?.Invoke(notice);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            logger.Debug("Loading {Path} was superseded", options.Path);
        }
        catch (Exception ex)
        {
            host?.Dispose();
            var message = ex is ModelLoadException ? ex.Message : $"Could not load model {options.Path}: {ex.Message}";
            logger.Error(ex is ModelLoadException ? null : ex, "Model load failed: {Message}", message);
            lock (_gate)
            {
                if (!token.IsCancellationRequested) SetStatus(new ModelStatus.Failed(options.Path, message));
            }
        }
    }

    private void SwapPipeline(InlineCompletionPipeline? next)
    {
        if (next is not null) next.Completed += (uri, trace) =>
        {
            // A remote engine that failed its probe (down, loading) and now answers: say it is ready.
            if (trace.Model is not null && Status is ModelStatus.Failed && next.Model is RemoteEngine remote && ReferenceEquals(Pipeline, next))
            {
                SetStatus(new ModelStatus.Ready(remote.Options.BaseUrl.ToString(), remote.Info.ModelName, trace.Total) { Engine = remote.Options.Kind });
            }
            CompletionTraced?.Invoke(uri, trace);
        };
        var old = Interlocked.Exchange(ref _pipeline, next);
        if (old is not null && old.Model != next?.Model)
        {
            // Requests already running on the old engine finish first (the local host serializes on its context).
            _ = Task.Run(() => old.Model.Dispose());
        }
    }

    private void SetStatus(ModelStatus status)
    {
        Volatile.Write(ref _status, status);
        try
        {
            StatusChanged?.Invoke(status);
        }
        catch (Exception ex)
        {
            logger.Warning(ex, "A status listener failed");
        }
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Shortest pause after a keystroke before an automatic request goes to a remote engine.</summary>
    internal const int RemoteMinDebounceMs = 150;

    internal static PipelineOptions PipelineOptionsFrom(AssistantSettings settings) => new()
    {
        ContextTokens = settings.ContextTokens,
        CompileCheck = settings.CompileCheck,
        ConstrainedDecoding = settings.ConstrainedDecoding,
        // A shared engine serves a whole team: typing must not reach it between keystrokes (ENGINES.md §8.3: 150–300 ms).
        Trigger = settings.Engine == EngineKinds.Local
            ? new TriggerOptions { Automatic = settings.Automatic }
            : new TriggerOptions { Automatic = settings.Automatic, MinDebounceMs = RemoteMinDebounceMs },
        MaxTokens = settings.MaxTokens,
        MaxTokensSingleLine = Math.Min(settings.MaxTokens, 32),
        TimeLimit = TimeSpan.FromMilliseconds(settings.TimeLimitMs),
    };

    /// <summary>The one place a configured model path is resolved: trimmed, "~/" expanded, made absolute.</summary>
    internal static string? ExpandPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        path = path.Trim();
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Length > 2 ? path[2..] : "");
        }
        return Path.GetFullPath(path);
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed) return ValueTask.CompletedTask;
            _disposed = true;
            _loading?.Cancel();
            SwapPipeline(null);
        }
        statistics?.Flush();
        _nextEdits?.Dispose();
        _idle?.Dispose();
        _memoryTrimmer?.Dispose();
        _workspaceLoad?.Cancel();
        _workspace.Dispose();
        return ValueTask.CompletedTask;
    }
}
