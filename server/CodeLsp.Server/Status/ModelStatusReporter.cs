using System.Threading.Channels;
using CodeLsp.Features;
using CodeLsp.Protocol;
using Serilog;
using StreamJsonRpc;

namespace CodeLsp.Server.Status;

/// <summary>
/// Turns <see cref="IAssistant.StatusChanged"/> into what the user sees: $/progress while a model loads (only when the client
/// declared window.workDoneProgress), a log message when it is ready, and one window/showMessage per distinct failure;
/// likewise a $/progress of its own while the workspace's projects load, and workspace notices as one warning each.
/// Statuses are queued and sent by one background loop, in order, once the client sent initialized; handlers never wait on it.
/// </summary>
internal sealed class ModelStatusReporter : IAsyncDisposable
{
    private readonly IAssistant _assistant;
    private readonly JsonRpc _rpc;
    private readonly Func<bool> _clientSupportsProgress;
    private readonly ILogger _logger;
    private readonly Channel<object> _statuses = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _clientReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<(string Path, string Message)> _failuresShown = [];
    private readonly Task _loop;
    private int _tokenCount;

    // The load under way, if any, and its progress token (null when the client takes no progress).
    private string? _loadingPath;
    private IntegerOrString? _token;
    private IntegerOrString? _workspaceToken;
    private int? _lastPercentage;

    public ModelStatusReporter(IAssistant assistant, JsonRpc rpc, Func<bool> clientSupportsProgress, ILogger logger)
    {
        _assistant = assistant;
        _rpc = rpc;
        _clientSupportsProgress = clientSupportsProgress;
        _logger = logger.ForContext<ModelStatusReporter>();
        _assistant.StatusChanged += OnStatusChanged;
        _assistant.Notice += OnNotice;
        _assistant.WorkspaceProgress += OnWorkspaceProgress;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called on initialized: the spec lets the server send requests only from then on.</summary>
    public void ClientIsReady() => _clientReady.TrySetResult();

    private void OnStatusChanged(ModelStatus status) => _statuses.Writer.TryWrite(status);

    private void OnNotice(string message) => _statuses.Writer.TryWrite(message);

    private void OnWorkspaceProgress(WorkspaceLoadUpdate update) => _statuses.Writer.TryWrite(update);

    private async Task RunAsync()
    {
        try
        {
            await _clientReady.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
            await foreach (var status in _statuses.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    if (status is WorkspaceLoadUpdate update)
                    {
                        await ReportWorkspaceAsync(update, _stopping.Token).ConfigureAwait(false);
                    }
                    else if (status is string notice)
                    {
                        // Workspace problems (unrestored packages, broken project files): told once, as a warning.
                        await _rpc.NotifyWithParameterObjectAsync(Methods.WindowShowMessage, new ShowMessageParams { Type = MessageType.Warning, Message = notice }).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReportAsync((ModelStatus)status, _stopping.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.Warning(ex, "Could not report model status {Status} to the client", status);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ReportAsync(ModelStatus status, CancellationToken cancellationToken)
    {
        switch (status)
        {
            case ModelStatus.Loading loading:
                var percentage = (int)Math.Clamp(Math.Round(loading.Progress * 100), 0, 100);
                if (_loadingPath != loading.Path)
                {
                    // A different model (the setting changed mid-load) gets a progress of its own.
                    await EndAsync("Cancelled", cancellationToken).ConfigureAwait(false);
                    _loadingPath = loading.Path;
                    await BeginAsync(loading.Path.Contains("://", StringComparison.Ordinal) ? loading.Path : Path.GetFileName(loading.Path), percentage, cancellationToken).ConfigureAwait(false);
                }
                else if (percentage != _lastPercentage)
                {
                    await SendProgressAsync(new WorkDoneProgressReport { Percentage = percentage }, cancellationToken).ConfigureAwait(false);
                }
                _lastPercentage = percentage;
                break;

            case ModelStatus.Ready ready:
                await EndAsync($"Loaded {ready.ModelName} in {ready.LoadTime.TotalSeconds:0.0} s", cancellationToken).ConfigureAwait(false);
                _logger.Information("Model {ModelName} ready ({Path}, loaded in {LoadTime})", ready.ModelName, ready.Path, ready.LoadTime);
                await _rpc.NotifyWithParameterObjectAsync(Methods.WindowLogMessage, new LogMessageParams
                {
                    Type = MessageType.Info,
                    Message = ready.Engine == Inference.Engines.EngineKinds.Local
                        ? $"codelsp: model {ready.ModelName} ready ({ready.Path}, loaded in {ready.LoadTime.TotalSeconds:0.0} s)"
                        : $"codelsp: model {ready.ModelName} ready (engine {ready.Engine} at {ready.Path}, answered in {ready.LoadTime.TotalMilliseconds:0} ms)",
                }).ConfigureAwait(false);
                break;

            case ModelStatus.Failed failed:
                await EndAsync("Model could not be loaded", cancellationToken).ConfigureAwait(false);
                _logger.Error("Model {Path} failed to load: {Message}", failed.Path, failed.Message);
                if (_failuresShown.Add((failed.Path, failed.Message)))
                {
                    await _rpc.NotifyWithParameterObjectAsync(Methods.WindowShowMessage, new ShowMessageParams
                    {
                        Type = MessageType.Error,
                        Message = $"codelsp: could not load model {failed.Path}: {failed.Message}",
                    }).ConfigureAwait(false);
                }
                break;

            case ModelStatus.Unloaded unloaded:
                await _rpc.NotifyWithParameterObjectAsync(Methods.WindowLogMessage, new LogMessageParams
                {
                    Type = MessageType.Info,
                    Message = $"codelsp: model {unloaded.Path} unloaded after the idle interval (unloadAfterIdleMinutes); the next request reloads it",
                }).ConfigureAwait(false);
                break;

            case ModelStatus.NotConfigured:
                await EndAsync("No model configured", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task BeginAsync(string modelName, int percentage, CancellationToken cancellationToken)
    {
        if (!_clientSupportsProgress())
        {
            _logger.Information("Loading model {ModelName}", modelName);
            return;
        }
        if (await CreateTokenAsync("model-load", cancellationToken).ConfigureAwait(false) is not { } token) return;
        _token = token;
        await SendProgressAsync(new WorkDoneProgressBegin { Title = $"Loading model {modelName}", Percentage = percentage }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>window/workDoneProgress/create; null when the client refuses.</summary>
    private async Task<IntegerOrString?> CreateTokenAsync(string kind, CancellationToken cancellationToken)
    {
        IntegerOrString token = $"codelsp/{kind}/{++_tokenCount}";
        try
        {
            await _rpc.InvokeWithParameterObjectAsync(Methods.WindowWorkDoneProgressCreate, new WorkDoneProgressCreateParams { Token = token }, cancellationToken)
                .ConfigureAwait(false);
            return token;
        }
        catch (RemoteInvocationException ex)
        {
            _logger.Warning("The client refused progress token {Token}: {Message}", token, ex.Message);
            return null;
        }
    }

    /// <summary>Workspace loading as a progress of its own (it runs beside a model load): begin, a report per step, end.</summary>
    private async Task ReportWorkspaceAsync(WorkspaceLoadUpdate update, CancellationToken cancellationToken)
    {
        if (_workspaceToken is null && !update.Done)
        {
            if (!_clientSupportsProgress() || await CreateTokenAsync("workspace-load", cancellationToken).ConfigureAwait(false) is not { } token) return;
            _workspaceToken = token;
            await _rpc.NotifyWithParameterObjectAsync(Methods.Progress, new ProgressParams
            {
                Token = token,
                Value = new WorkDoneProgressBegin { Title = $"Loading projects in {Path.GetFileName(update.Folder.TrimEnd('/', '\\'))}", Message = update.Message },
            }).ConfigureAwait(false);
            return;
        }
        if (_workspaceToken is not { } current) return;
        WorkDoneProgress value = update.Done ? new WorkDoneProgressEnd { Message = update.Message } : new WorkDoneProgressReport { Message = update.Message };
        await _rpc.NotifyWithParameterObjectAsync(Methods.Progress, new ProgressParams { Token = current, Value = value }).ConfigureAwait(false);
        if (update.Done) _workspaceToken = null;
    }

    private async Task EndAsync(string message, CancellationToken cancellationToken)
    {
        _loadingPath = null;
        if (_token is null)
        {
            return;
        }
        await SendProgressAsync(new WorkDoneProgressEnd { Message = message }, cancellationToken).ConfigureAwait(false);
        _token = null;
        _lastPercentage = null;
    }

    private Task SendProgressAsync(WorkDoneProgress value, CancellationToken cancellationToken) =>
        _token is { } token
            ? _rpc.NotifyWithParameterObjectAsync(Methods.Progress, new ProgressParams { Token = token, Value = value })
            : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _assistant.StatusChanged -= OnStatusChanged;
        _assistant.Notice -= OnNotice;
        _assistant.WorkspaceProgress -= OnWorkspaceProgress;
        _statuses.Writer.TryComplete();
        _stopping.Cancel();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
