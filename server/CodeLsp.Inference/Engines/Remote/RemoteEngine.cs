using System.Text.Json;
using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>What a probe of the server found: the model that answers, the round trip, and anything the user should know.</summary>
public sealed record EngineProbe(string ModelName, TimeSpan Latency, string? Warning = null);

/// <summary>
/// What every remote engine kind shares: its HTTP client (created with the engine, so <c>local</c> never has one),
/// time limits, back-off after 429/503, telling the user about a problem once (until a request succeeds again), and
/// the FIM family for raw prompts. Each kind (<see cref="LlamaCppEngine"/>, <see cref="OllamaEngine"/>,
/// <see cref="OpenAiEngine"/>) supplies its requests.
/// </summary>
public abstract class RemoteEngine : IInferenceEngine
{
    private readonly HashSet<EngineProblem> _told = [];
    private readonly EngineBackoff _backoff = new();
    private EngineInfo _info;
    private string? _servedModel;

    private protected RemoteEngine(RemoteEngineOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger.ForContext("Engine", options.Kind);
        Http = new EngineHttp(options, Logger);
        _info = new EngineInfo
        {
            Kind = options.Kind,
            ModelName = options.Model ?? "(server default)",
            Location = options.BaseUrl.ToString(),
            ContextSize = 8192,
            SupportsFim = true,
            SupportsChat = true,
            ExactTokenCounts = false,
        };
    }

    public RemoteEngineOptions Options { get; }

    private protected ILogger Logger { get; }

    private protected EngineHttp Http { get; }

    /// <summary>HTTP requests this engine sent (probes included).</summary>
    public int RequestsSent => Http.RequestsSent;

    public EngineInfo Info => Volatile.Read(ref _info);

    public event Action<string>? Notice;

    /// <summary>
    /// A conservative estimate (code runs 3–4 characters a token in BPE vocabularies): the server's tokenizer is a
    /// round trip away, and an overestimate only leaves room unused.
    /// </summary>
    public int CountTokens(string text) => (text.Length + 2) / 3;

    /// <summary>The model name to put in requests: the setting, else what the server said it serves.</summary>
    private protected string? ModelForRequests => Options.Model ?? Volatile.Read(ref _servedModel);

    /// <summary>Learns the served model's name first when a request needs one and neither the setting nor a probe gave it.</summary>
    private protected async Task EnsureModelAsync(CancellationToken cancellationToken)
    {
        if (ModelForRequests is not null) return;
        var (model, _, _) = await ProbeAsync(cancellationToken).ConfigureAwait(false);
        if (model is not null) Volatile.Write(ref _servedModel, model);
    }

    /// <summary>
    /// Asks the server what it serves (one cheap request) so a wrong URL, key or model name shows at once, not at
    /// the first keystroke. Throws <see cref="EngineRequestException"/> with a message for the user.
    /// </summary>
    public async Task<EngineProbe> ConnectAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout + TimeSpan.FromSeconds(5));
        try
        {
            var (model, contextSize, warning) = await ProbeAsync(timeout.Token).ConfigureAwait(false);
            if (Options.Model is null && model is not null) Volatile.Write(ref _servedModel, model);
            var name = Options.Model ?? model ?? "(server default)";
            Volatile.Write(ref _info, _info with { ModelName = name, ContextSize = contextSize ?? _info.ContextSize });
            if (FimFamilyProblem() is { } familyProblem) warning = warning is null ? familyProblem : warning + " " + familyProblem;
            return new EngineProbe(name, clock.Elapsed, warning);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw EngineErrors.Timeout(Options, "", clock.Elapsed);
        }
    }

    public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken) =>
        GuardedAsync(limits, (deadline, token) => CompleteCoreAsync(prompt, limits, deadline, token), cancellationToken);

    public Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken) =>
        GuardedAsync(limits, (deadline, token) => ChatCoreAsync(request, limits, deadline, token), cancellationToken);

    /// <summary>The server's model id (null when it does not say), its context size if known, and a warning for the user.</summary>
    private protected abstract Task<(string? Model, int? ContextSize, string? Warning)> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One FIM request. <paramref name="cancellationToken"/> is the caller's token linked with the time limit; when
    /// <paramref name="deadline"/> has <see cref="Deadline.Expired"/> and text has arrived, implementations return it
    /// with <see cref="StopReason.TimeLimit"/>.
    /// </summary>
    private protected abstract Task<FimCompletion> CompleteCoreAsync(FimPrompt prompt, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken);

    private protected abstract Task<ChatCompletion> ChatCoreAsync(ChatRequest request, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken);

    /// <summary>The FIM family for raw prompts: the setting, else a guess from the model name; null when neither names one.</summary>
    private protected FimFamily? Family =>
        Options.FimFamily is { Length: > 0 } named ? FimFamilies.Named(named) : FimFamilies.Guess(ModelForRequests);

    /// <summary>Why raw FIM prompts cannot be built, in words naming the setting; null when they can.</summary>
    private protected string? FimFamilyProblem()
    {
        if (!NeedsRawFim) return null;
        if (Options.FimFamily is { Length: > 0 } named && FimFamilies.Named(named) is null)
        {
            return $"codelsp.engineFimFamily '{named}' is not a known family; use one of {FimFamilies.Names}.";
        }
        return Family is null
            ? $"CodeLsp cannot tell the fill-in-the-middle tokens of model '{ModelForRequests ?? "(server default)"}' from its name; set codelsp.engineFimFamily to one of {FimFamilies.Names}."
            : null;
    }

    /// <summary>True when this engine builds FIM prompts itself (from family tokens) rather than letting the server do it.</summary>
    private protected virtual bool NeedsRawFim => true;

    private protected FimFamily RequireFamily() =>
        Family ?? throw new EngineRequestException(EngineProblem.NotSupported, FimFamilyProblem() ?? "No FIM family.");

    /// <summary>The text before the hole in a raw prompt: the context, then the prefix (as the local engine lays it out).</summary>
    private protected static string Before(FimPrompt prompt) => (prompt.Context ?? "") + prompt.Prefix;

    private async Task<T> GuardedAsync<T>(GenerationLimits limits, Func<Deadline, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (_backoff.Remaining is { } wait && wait > TimeSpan.Zero)
        {
            // Not a new problem (it was told when the server first said so): answer at once, send nothing.
            throw new EngineRequestException(EngineProblem.Busy, $"The {Options.Kind} engine at {Options.BaseUrl} is busy; the next request goes in {wait.TotalSeconds:0.0} s.");
        }
        var limit = limits.TimeLimit == Timeout.InfiniteTimeSpan ? Options.RequestTimeout : limits.TimeLimit;
        using var deadline = new Deadline(limit, cancellationToken);
        try
        {
            var result = await call(deadline, deadline.Token).ConfigureAwait(false);
            _backoff.Succeeded();
            lock (_told) _told.Clear();
            return result;
        }
        catch (OperationCanceledException) when (deadline.Expired && !cancellationToken.IsCancellationRequested)
        {
            throw Tell(EngineErrors.Timeout(Options, "", limit));
        }
        catch (EngineRequestException ex)
        {
            if (ex.Problem == EngineProblem.Busy) _backoff.Failed(ex.RetryAfter);
            throw Tell(ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            throw Tell(new EngineRequestException(EngineProblem.ServerError, $"The {Options.Kind} engine at {Options.BaseUrl} sent a broken answer ({ex.Message}).", null, ex));
        }
    }

    private EngineRequestException Tell(EngineRequestException ex)
    {
        bool first;
        lock (_told) first = _told.Add(ex.Problem);
        if (first)
        {
            Logger.Warning("{Kind} engine: {Message}", Options.Kind, ex.Message);
            Notice?.Invoke(ex.Message);
        }
        else
        {
            Logger.Debug("{Kind} engine: {Message}", Options.Kind, ex.Message);
        }
        return ex;
    }

    public virtual void Dispose() => Http.Dispose();

    /// <summary>The caller's token, linked with the time limit; <see cref="Expired"/> tells which one fired.</summary>
    private protected sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly CancellationToken _caller;

        public Deadline(TimeSpan limit, CancellationToken caller)
        {
            _caller = caller;
            _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
            _source.CancelAfter(limit);
        }

        public CancellationToken Token => _source.Token;

        public bool Expired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

        public void Dispose() => _source.Dispose();
    }
}
