using System.Diagnostics;
using CodeLsp.Inference.Engines;
using LLama;
using LLama.Abstractions;
using LLama.Native;

namespace CodeLsp.Inference.Chat;

/// <summary>
/// Answers chat requests on a second <see cref="LLamaContext"/> over the same weights, created on first use, so an AI
/// action never evicts the completion context's cached prompt. Chats run one at a time. Every native step (a prompt
/// batch or one generated token) first takes the model's <see cref="PriorityGate"/> at the request's priority, so
/// a keystroke completion waits for at most one step; cancellation is checked before every step.
/// </summary>
internal sealed class ChatGenerator : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly Func<LLamaContext> _createContext;
    private readonly ChatPromptRenderer _renderer;
    private readonly PriorityGate _compute;
    private readonly Func<LLamaToken, bool> _isStop;
    private readonly int _batchSize;
    private readonly Serilog.ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LLamaBatch _batch = new();
    private LLamaContext? _context;
    private bool _disposed;

    public ChatGenerator(LLamaWeights weights, Func<LLamaContext> createContext, ChatPromptRenderer renderer, PriorityGate compute,
        Func<LLamaToken, bool> isStop, int batchSize, Serilog.ILogger logger)
    {
        _weights = weights;
        _createContext = createContext;
        _renderer = renderer;
        _compute = compute;
        _isStop = isStop;
        _batchSize = batchSize;
        _logger = logger;
    }

    /// <summary>Test hook: called on the inference thread after each generated token with the count so far.</summary>
    public Action<int>? TokenGenerated { get; set; }

    /// <summary>True once the chat context exists (tests check that completions alone never create it).</summary>
    public bool ContextCreated => _context is not null;

    public async Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await RunAsync(request, limits, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ChatCompletion> RunAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var tokens = _renderer.Render(request);
        // Sized to the memory free now; a clear exception when there is not enough (the action says so).
        var context = _context ??= _createContext();
        var contextSize = (int)context.ContextSize;
        if (tokens.Count + 1 > contextSize)
        {
            throw new ArgumentException(
                $"The chat prompt takes {tokens.Count} tokens; the model's context holds {contextSize}. Shorten the prompt or raise contextSize.");
        }

        // Each chat starts from an empty cache: action prompts rarely share a prefix worth keeping.
        context.NativeHandle.MemoryClear();
        var logitsIndex = 0;
        foreach (var (first, count) in PromptBatches.Split(0, tokens.Count, _batchSize))
        {
            using (await _compute.EnterAsync(limits.Priority, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                _batch.Clear();
                for (var i = 0; i < count; i++)
                {
                    _batch.Add(tokens[first + i], first + i, LLamaSeqId.Zero, first + i == tokens.Count - 1);
                }

                await DecodeAsync(context).ConfigureAwait(false);
                logitsIndex = count - 1;
            }
        }

        var promptTime = clock.Elapsed;
        var generationClock = Stopwatch.StartNew();
        var decoder = new TokenTextDecoder(_weights.Vocab);
        var position = tokens.Count;
        var generated = 0;
        StopReason reason;
        string text;
        while (true)
        {
            var token = GreedySampler.Pick(context.NativeHandle.GetLogitsIth(logitsIndex));
            if (_isStop(token))
            {
                (reason, text) = (StopReason.EndOfGeneration, decoder.Text);
                break;
            }

            decoder.Add(token);
            generated++;
            TokenGenerated?.Invoke(generated);
            var sofar = decoder.Text;
            if (FirstStop(sofar, request.Stop) is { } cut)
            {
                (reason, text) = (StopReason.EndOfGeneration, sofar[..cut]);
                break;
            }

            if (generated >= limits.MaxTokens)
            {
                (reason, text) = (StopReason.MaxTokens, sofar);
                break;
            }

            if (limits.StopWhen is { } stopWhen && stopWhen(sofar))
            {
                (reason, text) = (StopReason.StoppedByCaller, sofar);
                break;
            }

            if (limits.TimeLimit != Timeout.InfiniteTimeSpan && clock.Elapsed >= limits.TimeLimit)
            {
                (reason, text) = (StopReason.TimeLimit, sofar);
                break;
            }

            if (position >= contextSize)
            {
                (reason, text) = (StopReason.ContextFull, sofar);
                break;
            }

            using (await _compute.EnterAsync(limits.Priority, cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                _batch.Clear();
                _batch.Add(token, position, LLamaSeqId.Zero, true);
                await DecodeAsync(context).ConfigureAwait(false);
            }

            position++;
            logitsIndex = 0;
        }

        var completion = new ChatCompletion(text, reason, tokens.Count, promptTime, generated, generationClock.Elapsed);
        _logger.Debug("Chat: prompt {PromptTokens} tokens in {PromptMs:F1} ms, {GeneratedTokens} generated in {GenerationMs:F1} ms, stopped by {StopReason}",
            tokens.Count, promptTime.TotalMilliseconds, generated, completion.GenerationTime.TotalMilliseconds, reason);
        _logger.Debug("Chat answer: {ChatText}", text);
        return completion;
    }

    /// <summary>Runs the native decode off the caller's thread; a failure empties the cache and throws.</summary>
    private Task DecodeAsync(LLamaContext context) => Task.Run(() =>
    {
        var result = context.Decode(_batch);
        if (result != DecodeResult.Ok)
        {
            context.NativeHandle.MemoryClear();
            throw new InvalidOperationException($"llama.cpp failed to decode a chat batch ({result}).");
        }
    });

    /// <summary>Where the earliest stop string starts in <paramref name="text"/>, or null.</summary>
    internal static int? FirstStop(string text, IReadOnlyList<string> stops)
    {
        int? first = null;
        foreach (var stop in stops)
        {
            if (stop.Length == 0)
            {
                continue;
            }

            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _context?.Dispose();
            _context = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
