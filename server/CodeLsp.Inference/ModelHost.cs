using System.Diagnostics;
using System.Text;
using CodeLsp.Inference.Chat;
using CodeLsp.Inference.Engines;
using LLama;
using LLama.Common;
using LLama.Native;
using CodeLsp.Inference.Constraints;

namespace CodeLsp.Inference;

/// <summary>
/// Owns one loaded model: its weights, one long-lived <see cref="LLamaContext"/>, and the record of which prompt
/// tokens that context's KV cache holds. Completions run one at a time on that context; each new prompt keeps the
/// cached tokens it shares with the previous one and decodes only the rest, which is what keeps keystroke
/// completions cheap. Chat requests (AI actions) run on a second context of their own (<see cref="ChatGenerator"/>);
/// both take the <see cref="PriorityGate"/> before native work, so typing is served between an action's decode steps.
/// </summary>
public sealed class ModelHost : IDisposable
{
    // Loads are serialized so llama.cpp's error lines can be attributed to the load that caused them.
    private static readonly SemaphoreSlim s_loadGate = new(1, 1);

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly Serilog.ILogger _logger;
    private readonly int _contextSize;
    private readonly int _batchSize;
    private readonly HashSet<int> _stopTokens;
    private readonly LLamaToken? _bos;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LLamaBatch _batch = new();
    private readonly PriorityGate _compute = new();
    private readonly CompletionPreemption _preemption = new();
    private readonly ChatGenerator? _chat;

    // Tokens whose KV cells are valid: position i of sequence 0 holds _cached[i]. Updated after every successful
    // decode, so it stays true when a request is cancelled between decodes.
    private readonly List<LLamaToken> _cached = [];
    private readonly Lazy<VocabularyTrie> _vocabularyTrie;
    private Task? _vocabularyWarmUp;
    private bool _disposed;

    private ModelHost(LLamaWeights weights, LLamaContext context, ModelParams parameters, ChatPromptRenderer? chat,
        ModelDescription description, int batchSize, Serilog.ILogger logger, ChatContextFactory chatContexts)
    {
        _vocabularyTrie = new(() => VocabularyTrie.FromModel(weights.Vocab), LazyThreadSafetyMode.ExecutionAndPublication);
        _weights = weights;
        _context = context;
        Description = description;
        _contextSize = description.ContextSize;
        _batchSize = batchSize;
        _logger = logger;
        // Models trained with a BOS token (CodeLlama, DeepSeek-Coder) expect it before the FIM prompt too.
        _bos = weights.Vocab.ShouldAddBOS ? weights.Vocab.BOS : null;
        _stopTokens = description.FimTokens is { } fim
            ? [fim.Prefix, fim.Suffix, fim.Middle, .. fim.StopTokens]
            : [];
        _preemption.Attach(context.NativeHandle);
        _chat = chat is null ? null : new ChatGenerator(weights, chatContexts.Create, chat, _compute, IsStop, batchSize, logger);
    }

    public ModelDescription Description { get; }

    /// <summary>
    /// Threads when the user sets none. llama.cpp's threads meet at a barrier after every step, so one thread that
    /// the OS preempts stalls them all: on a 2-core machine busy with an editor and a build, 2 threads ran 2–10×
    /// slower than 1 (measured with <c>codelsp complete --threads</c>). So leave the editor a core on small
    /// machines, and on larger ones use half the logical processors (about the physical cores).
    /// </summary>
    public static int DefaultThreads(int processors) => processors switch
    {
        <= 2 => 1,
        <= 4 => processors - 1,
        _ => processors / 2,
    };

    /// <summary>The loaded weights, for tests that need the model's own vocabulary.</summary>
    internal LLamaWeights Weights => _weights;

    /// <summary>The model's vocabulary as a byte trie, for <see cref="FimPrompt.FirstIdentifier"/>; built on first use.</summary>
    internal VocabularyTrie VocabularyTrie => _vocabularyTrie.Value;

    /// <summary>Test hook: called on the inference thread after each generated token with the count so far.</summary>
    internal Action<int>? TokenGenerated { get; set; }

    /// <summary>Test hook: called on the inference thread after each prompt batch with the number of cached tokens.</summary>
    internal Action<int>? PromptBatchDecoded { get; set; }

    /// <summary>The chat side, when the model has a chat template (tests use its hooks).</summary>
    internal ChatGenerator? Chat => _chat;

    /// <summary>The gate both contexts take before native work (tests and benchmarks read who waits).</summary>
    internal PriorityGate Compute => _compute;

    /// <summary>Number of llama.cpp decode calls made so far (tests use it to prove a request never touched the model).</summary>
    internal int DecodeCalls { get; private set; }

    /// <summary>Decodes llama.cpp stopped in the middle because a newer interactive completion was waiting.</summary>
    internal int AbortedDecodes { get; private set; }

    /// <summary>Test hook: called on the inference thread just before each native decode of a completion.</summary>
    internal Action? DecodeStarting { get; set; }

    /// <summary>Who waits for the completion context, and whether the running completion should yield (tests read it).</summary>
    internal CompletionPreemption Preemption => _preemption;

    /// <summary>
    /// Validates the file's header, maps the weights and creates the completion context.
    /// Throws <see cref="ModelLoadException"/> with a reason a user can act on; cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<ModelHost> LoadAsync(ModelLoadOptions options, IProgress<float>? progress,
        CancellationToken cancellationToken, Serilog.ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger = (logger ?? Serilog.Log.Logger).ForContext<ModelHost>();
        var path = System.IO.Path.GetFullPath(options.Path);

        // Managed checks first: llama.cpp would only say "failed to load" for most of these.
        var info = GgufInspector.Inspect(path);

        NativeLogBridge.EnsureConfigured(logger);
        await s_loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        LLamaWeights? weights = null;
        LLamaContext? context = null;
        ContextMemory? memory = null;
        string? contextNotice = null;
        try
        {
            var clock = Stopwatch.StartNew();
            var threads = Math.Max(1, options.Threads ?? DefaultThreads(Environment.ProcessorCount));
            var batchSize = Math.Max(1, options.BatchSize);
            var parameters = new ModelParams(path)
            {
                // Read into memory, not mapped: with a mapping, a model file overwritten in place while loaded (cp, a
                // download tool) kills the process with SIGBUS on the next decode. Measured with ModelFaultTests.
                LoadMode = LLamaLoadMode.None,
                BatchSize = (uint)batchSize,
                Threads = threads,
                BatchThreads = threads,
            };

            using (var capture = NativeLogBridge.BeginCapture(logger))
            {
                try
                {
                    weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken, progress).ConfigureAwait(false);
                    var training = weights.ContextSize > 0 ? weights.ContextSize : options.ContextSize;
                    var requested = Math.Clamp(options.ContextSize, 16, training);
                    // Measured after the weights are in memory, so the free figure already leaves them out.
                    memory = ContextMemory.FromModel(info, MicroBatch(batchSize));
                    (var size, contextNotice) = SizeContext(memory, requested, options.FreeMemory(), path, "the model's KV cache and compute buffers");
                    parameters.ContextSize = (uint)size;
                    context = CreateContext(weights, parameters, path, capture);
                }
                catch (Exception e) when (e is not OperationCanceledException and not ModelLoadException)
                {
                    throw new ModelLoadException(path, DescribeNativeFailure(path, capture.Errors, e), e);
                }
            }

            var fim = ResolveFimTokens(weights, info);
            var chat = ChatPromptRenderer.TryCreate(weights);
            var description = new ModelDescription
            {
                Path = path,
                Name = info.Name ?? System.IO.Path.GetFileNameWithoutExtension(path),
                Architecture = info.Architecture,
                ContextSize = (int)context.ContextSize,
                ContextNotice = contextNotice,
                TrainingContextSize = weights.ContextSize,
                VocabularySize = weights.Vocab.Count,
                ParameterCount = (long)weights.ParameterCount,
                FimTokens = fim,
                ChatTemplate = chat?.TemplateName,
                FileSizeBytes = info.FileSizeBytes,
                LoadTime = clock.Elapsed,
            };

            logger.Information(
                "Loaded model {ModelName} ({Architecture}, {Parameters:N0} parameters, {FileType}) in {LoadMs:F0} ms; context {ContextSize} tokens, {Threads} threads; FIM: {Fim}",
                description.Name, description.Architecture, description.ParameterCount, info.FileTypeName, description.LoadTime.TotalMilliseconds,
                description.ContextSize, threads, fim?.Source ?? "none");
            logger.Debug("Context: {ContextSize} tokens, batch {BatchSize}, ubatch {UBatchSize}", context.ContextSize, context.BatchSize, context.Params.UBatchSize);
            // llama.cpp lowers the batch size to the context size; a larger batch would be rejected.
            if (contextNotice is not null)
            {
                logger.Warning("Model {ModelName}: {ContextNotice}", description.Name, contextNotice);
            }

            var host = new ModelHost(weights, context, parameters, chat, description, Math.Min(batchSize, (int)context.BatchSize), logger,
                new ChatContextFactory(weights, parameters, memory, options.FreeMemory, path, logger));
            // The vocabulary trie of a 150k-token model takes a few hundred milliseconds: build it now, off the first
            // constrained completion's path.
            host._vocabularyWarmUp = Task.Run(() => host._vocabularyTrie.Value, CancellationToken.None);
            return host;
        }
        catch
        {
            context?.Dispose();
            weights?.Dispose();
            throw;
        }
        finally
        {
            s_loadGate.Release();
        }
    }

    /// <summary>
    /// Generates the text between <see cref="FimPrompt.Prefix"/> and <see cref="FimPrompt.Suffix"/> (greedy, so deterministic).
    /// Requests are serialized; one cancelled while waiting never reaches the model, one cancelled while running stops
    /// before its next decode with <see cref="OperationCanceledException"/>. An interactive request gives the model up
    /// to a newer interactive one (<see cref="CompletionPreemption"/>) with <see cref="CompletionPreemptedException"/>.
    /// </summary>
    public async Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(limits);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var fim = Description.FimTokens ?? throw new InvalidOperationException(
            $"Model '{Description.Name}' has no fill-in-the-middle tokens; CodeLsp needs a code model with FIM such as Qwen2.5-Coder.");

        var ticket = _preemption.Arrive(limits.Priority);
        // A request cancelled while it waits (superseded in its document) stops counting at once, so it preempts nothing.
        using var withdraw = cancellationToken.Register(() => _preemption.Withdraw(ticket));
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _preemption.Start(ticket, limits.Priority);
                // A background chat gives the model up between its decode steps; interactive requests go first.
                using (await _compute.EnterAsync(limits.Priority, cancellationToken).ConfigureAwait(false))
                {
                    // The native work is synchronous; run it off the caller's thread (the LSP loop).
                    return await Task.Run(() => Complete(prompt, limits, fim, cancellationToken), CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            _preemption.Leave(ticket);
        }
    }

    /// <summary>
    /// Answers a chat in the model's own template on the chat context (greedy). Throws <see cref="NotSupportedException"/>
    /// when the model has no chat template; cancellation stops it before its next decode step.
    /// </summary>
    public Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_chat is null)
        {
            throw new NotSupportedException($"Model '{Description.Name}' has no chat template, so it cannot answer chat requests; use an instruct model.");
        }

        return _chat.ChatAsync(request, limits, cancellationToken);
    }

    /// <summary>The token ids <see cref="CompleteAsync"/> would decode for this prompt (benchmarks replay them on raw LLamaSharp).</summary>
    internal IReadOnlyList<int> PromptTokenIds(FimPrompt prompt, int maxTokens) =>
        BuildPrompt(prompt, maxTokens, Description.FimTokens ?? throw new InvalidOperationException("no FIM tokens")).Select(t => (int)t).ToList();

    /// <summary>Number of tokens <paramref name="text"/> takes (plain text: special-token markup is not parsed).</summary>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return text.Length == 0 ? 0 : _weights.Tokenize(text, false, false, Encoding.UTF8).Length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Wait for a running completion; waiting requests then see _disposed and throw.
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            // The warm-up reads the vocabulary natively: let it finish before the weights go.
            try
            {
                _vocabularyWarmUp?.Wait();
            }
            catch (AggregateException)
            {
                // Its failure surfaces on the first constrained completion, if any; disposal goes on.
            }

            _chat?.Dispose();
            _context.Dispose();
            _preemption.Dispose();
            _weights.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private FimCompletion Complete(FimPrompt prompt, GenerationLimits limits, FimTokens fim, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        cancellationToken.ThrowIfCancellationRequested();
        // Before the cache is trimmed to this prompt: one that yields leaves the cache to the newer request as it is.
        YieldToNewer();
        var tokens = BuildPrompt(prompt, limits.MaxTokens, fim);
        var tokenizeTime = clock.Elapsed;
        var reused = KeepCachedPrefix(tokens);
        var logitsIndex = DecodePrompt(tokens, reused, cancellationToken);
        var promptTime = clock.Elapsed;
        _logger.Debug("Prompt {PromptTokens} tokens, {ReusedTokens} reused from cache, decoded in {PromptMs:F1} ms",
            tokens.Count, reused, promptTime.TotalMilliseconds);

        var generationClock = Stopwatch.StartNew();
        var decoder = new TokenTextDecoder(_weights.Vocab);
        var mask = prompt.FirstIdentifier is { } constraint ? new IdentifierMask(constraint, VocabularyTrie, _stopTokens) : null;
        var (reason, generated) = logitsIndex < 0
            ? (StopReason.ContextFull, 0)
            : Generate(logitsIndex, limits, clock, decoder, mask, cancellationToken);

        var completion = new FimCompletion(decoder.Text, reason, tokens.Count, reused, promptTime, generated, generationClock.Elapsed)
        {
            Constraint = mask?.Report,
            TokenizeTime = tokenizeTime,
        };
        _logger.Debug("Generated {GeneratedTokens} tokens in {GenerationMs:F1} ms, stopped by {StopReason}",
            generated, completion.GenerationTime.TotalMilliseconds, reason);
        if (mask is not null)
        {
            _logger.Debug("First identifier constrained to {Names} names ({Description}): {Steps} steps, {Overridden} overridden, {ConstraintMs:F3} ms",
                prompt.FirstIdentifier!.Names.Count, prompt.FirstIdentifier.Description, completion.Constraint!.Steps, completion.Constraint.Overridden, completion.Constraint.Time.TotalMilliseconds);
        }
        _logger.Debug("Completion text: {CompletionText}", completion.Text);
        return completion;
    }

    /// <summary>
    /// Drops the cached cells after the longest prefix shared with <paramref name="tokens"/> and returns its length.
    /// At least the last prompt token is decoded again, because its logits are needed.
    /// </summary>
    private int KeepCachedPrefix(List<LLamaToken> tokens)
    {
        var reused = Math.Min(CommonPrefixLength(_cached, tokens), tokens.Count - 1);
        if (reused == _cached.Count)
        {
            return reused;
        }

        _context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, reused, -1);
        if (_context.NativeHandle.MemorySequenceMaxPosition(LLamaSeqId.Zero).Value < reused)
        {
            _cached.RemoveRange(reused, _cached.Count - reused);
            return reused;
        }

        // Recurrent and some sliding-window models cannot drop a partial range (LLamaSharp hides llama.cpp's
        // false return, so the cells are checked instead): start over.
        _context.NativeHandle.MemoryClear();
        _cached.Clear();
        return 0;
    }

    /// <summary>
    /// Greedy generation from the logits at <paramref name="logitsIndex"/> until a stop condition; while
    /// <paramref name="mask"/> is active, the greedy choice is limited to what it allows.
    /// </summary>
    private (StopReason Reason, int Generated) Generate(int logitsIndex, GenerationLimits limits, Stopwatch clock,
        TokenTextDecoder decoder, IdentifierMask? mask, CancellationToken cancellationToken)
    {
        if (limits.MaxTokens <= 0)
        {
            return (StopReason.MaxTokens, 0);
        }

        var generated = 0;
        while (true)
        {
            var logits = _context.NativeHandle.GetLogitsIth(logitsIndex);
            var token = GreedySampler.Pick(logits);
            if (mask is { IsActive: true })
            {
                var chosen = mask.Choose(logits, (int)token, IsStop(token));
                if (chosen < 0)
                {
                    return (StopReason.EndOfGeneration, generated);
                }

                token = chosen;
                mask.Accept((int)token);
            }

            if (IsStop(token))
            {
                return (StopReason.EndOfGeneration, generated);
            }

            decoder.Add(token);
            generated++;
            TokenGenerated?.Invoke(generated);
            if (generated >= limits.MaxTokens)
            {
                return (StopReason.MaxTokens, generated);
            }

            if (limits.StopWhen is { } stopWhen && stopWhen(decoder.Text))
            {
                return (StopReason.StoppedByCaller, generated);
            }

            if (limits.TimeLimit != Timeout.InfiniteTimeSpan && clock.Elapsed >= limits.TimeLimit)
            {
                return (StopReason.TimeLimit, generated);
            }

            if (_cached.Count >= _contextSize)
            {
                return (StopReason.ContextFull, generated);
            }

            // The last generated token is only decoded when another one is wanted.
            cancellationToken.ThrowIfCancellationRequested();
            YieldToNewer();
            _batch.Clear();
            _batch.Add(token, _cached.Count, LLamaSeqId.Zero, true);
            if (!Decode())
            {
                return (StopReason.ContextFull, generated);
            }

            _cached.Add(token);
            logitsIndex = 0;
        }
    }

    /// <summary>Ends this completion when a newer interactive one waits for the context (typing always wins).</summary>
    private void YieldToNewer()
    {
        if (_preemption.ShouldYield)
        {
            throw new CompletionPreemptedException();
        }
    }

    /// <summary>Decodes tokens[start..] in equal batches; returns the batch index holding the last token's logits, or -1 when the context is full.</summary>
    private int DecodePrompt(List<LLamaToken> tokens, int start, CancellationToken cancellationToken)
    {
        foreach (var (first, count) in PromptBatches.Split(start, tokens.Count, _batchSize))
        {
            _batch.Clear();
            for (var i = 0; i < count; i++)
            {
                var position = first + i;
                _batch.Add(tokens[position], position, LLamaSeqId.Zero, position == tokens.Count - 1);
            }

            cancellationToken.ThrowIfCancellationRequested();
            YieldToNewer();
            if (!Decode())
            {
                return -1;
            }

            _cached.AddRange(tokens.Skip(first).Take(count));
            PromptBatchDecoded?.Invoke(_cached.Count);
        }

        return _batch.TokenCount - 1;
    }

    /// <summary>Decodes <see cref="_batch"/>; false when the KV cache has no room. After any failure the cache is emptied, so it never holds cells we do not know about.</summary>
    private bool Decode()
    {
        DecodeCalls++;
        DecodeStarting?.Invoke();
        var result = _context.Decode(_batch);
        if (result == DecodeResult.Ok)
        {
            return true;
        }

        if (result == DecodeResult.ComputeAborted)
        {
            // Stopped for a newer completion. llama.cpp drops the cells of the batch it was computing; make sure
            // nothing past the known tokens stays, so the cache still holds exactly _cached.
            AbortedDecodes++;
            _context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, _cached.Count, -1);
            throw new CompletionPreemptedException();
        }

        _context.NativeHandle.MemoryClear();
        _cached.Clear();
        if (result == DecodeResult.NoKvSlot)
        {
            return false;
        }

        throw new InvalidOperationException($"llama.cpp failed to decode a batch ({result}).");
    }

    /// <summary>
    /// Lays out the FIM prompt from special-token ids and plain-text tokenization (so user text can never inject a
    /// control token), trimmed to leave room for the answer: the prefix loses its start, the suffix its end, and the
    /// prefix gets about three quarters of the space because the text just before the cursor matters most.
    /// </summary>
    private List<LLamaToken> BuildPrompt(FimPrompt prompt, int maxTokens, FimTokens fim)
    {
        var before = Tokenize((prompt.Context ?? string.Empty) + prompt.Prefix);
        var after = Tokenize(prompt.Suffix);

        var room = Math.Clamp(maxTokens, 0, _contextSize / 2);
        var specials = _bos is null ? 3 : 4;
        var budget = Math.Max(0, _contextSize - room - specials);
        var (prefixCount, suffixCount) = FitWindow(before.Length, after.Length, budget);
        var prefix = before.AsSpan(before.Length - prefixCount);
        var suffix = after.AsSpan(0, suffixCount);

        var tokens = new List<LLamaToken>(prefixCount + suffixCount + specials);
        if (_bos is { } bos)
        {
            tokens.Add(bos);
        }

        if (prompt.Layout == FimLayout.SuffixPrefixMiddle)
        {
            tokens.Add(fim.Suffix);
            tokens.AddRange(suffix);
            tokens.Add(fim.Prefix);
            tokens.AddRange(prefix);
        }
        else
        {
            tokens.Add(fim.Prefix);
            tokens.AddRange(prefix);
            tokens.Add(fim.Suffix);
            tokens.AddRange(suffix);
        }

        tokens.Add(fim.Middle);
        return tokens;
    }

    /// <summary>
    /// How many prefix and suffix tokens fit in <paramref name="budget"/>: the suffix gets at least a quarter, the
    /// prefix the rest. Cuts are made in steps of 1/16 of the budget so the kept window stays put while the user
    /// types; a window that moved with every keystroke would share no tokens with the cached prompt.
    /// </summary>
    internal static (int Prefix, int Suffix) FitWindow(int prefix, int suffix, int budget)
    {
        if (prefix + suffix <= budget)
        {
            return (prefix, suffix);
        }

        var step = Math.Max(1, budget / 16);
        var suffixKeep = Math.Min(suffix, Math.Max(budget / 4, budget - prefix));
        if (suffixKeep < suffix)
        {
            suffixKeep = suffixKeep / step * step;
        }

        var drop = prefix - Math.Min(prefix, budget - suffixKeep);
        drop = (drop + step - 1) / step * step;
        return (Math.Max(0, prefix - drop), suffixKeep);
    }

    private LLamaToken[] Tokenize(string text) =>
        text.Length == 0 ? [] : _context.Tokenize(text, addBos: false, special: false);

    private bool IsStop(LLamaToken token)
    {
        var vocab = _weights.Vocab;
        return _stopTokens.Contains((int)token) || token.IsEndOfGeneration(vocab) || token.IsControl(vocab);
    }

    private static int CommonPrefixLength(List<LLamaToken> a, List<LLamaToken> b)
    {
        var n = Math.Min(a.Count, b.Count);
        var i = 0;
        while (i < n && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// FIM ids from the model's own vocabulary first; otherwise the family table's token texts, each accepted only
    /// if it tokenizes (with special tokens parsed) to exactly one token of this model. The matching families'
    /// end tokens (e.g. Qwen's &lt;|file_sep|&gt;) are added to the stop tokens either way.
    /// </summary>
    private static FimTokens? ResolveFimTokens(LLamaWeights weights, GgufModelInfo info)
    {
        int? Single(string text)
        {
            var ids = weights.Tokenize(text, false, true, Encoding.UTF8);
            return ids.Length == 1 ? (int)ids[0] : null;
        }

        var vocab = weights.Vocab;
        var families = FimFamilies.Matching(info.Name, info.Architecture).ToList();
        var stops = new[] { vocab.EOS, vocab.EOT, vocab.InfillPad, vocab.InfillRep, vocab.InfillSep }
            .OfType<LLamaToken>().Select(t => (int)t)
            .Concat(families.SelectMany(f => f.StopTexts).Select(Single).OfType<int>())
            .Distinct()
            .ToList();

        if (vocab.InfillPrefix is { } pre && vocab.InfillSuffix is { } suf && vocab.InfillMiddle is { } mid)
        {
            return new FimTokens((int)pre, (int)suf, (int)mid, stops, FimTokens.FromVocabulary);
        }

        foreach (var family in families)
        {
            if (Single(family.Prefix) is { } p && Single(family.Suffix) is { } s && Single(family.Middle) is { } m)
            {
                return new FimTokens(p, s, m, stops, $"{family.Name} family table");
            }
        }

        return null;
    }

    /// <summary>llama.cpp's micro-batch: the batch, at most its default of 512.</summary>
    private static int MicroBatch(int batchSize) => Math.Min(batchSize, 512);

    /// <summary>
    /// The context size to create for <paramref name="requested"/> tokens in the memory free now, and the notice for
    /// the user when it had to be lowered. Throws <see cref="ModelLoadException"/> when not even a small context fits.
    /// Without an estimate (hyper-parameters missing) or a free-memory figure the request stands.
    /// </summary>
    internal static (int Size, string? Notice) SizeContext(ContextMemory? memory, int requested, long? free, string path, string purpose)
    {
        if (memory is null || free is not { } available)
        {
            return (requested, null);
        }

        var size = memory.Fit(requested, available);
        if (size == requested)
        {
            return (requested, null);
        }

        var spare = ContextMemory.Format(ContextMemory.Budget(available));
        if (size is not { } lowered)
        {
            var smallest = Math.Min(requested, ContextMemory.MinimumContext);
            throw new ModelLoadException(path,
                $"Not enough free memory to run '{path}': even a context of {smallest:N0} tokens needs {ContextMemory.Format(memory.TotalBytes(smallest))} for {purpose}, " +
                $"and {spare} can be spared ({ContextMemory.Format(available)} free, the rest kept for the editor and the system). Close other programs or choose a smaller model.");
        }

        return (lowered,
            $"contextSize {requested:N0} needs {ContextMemory.Format(memory.TotalBytes(requested))} for {purpose}, more than the {spare} that can be spared " +
            $"({ContextMemory.Format(available)} free); using {lowered:N0} tokens ({ContextMemory.Format(memory.TotalBytes(lowered))}). " +
            $"Set contextSize to {lowered} or less, or free memory, to silence this.");
    }

    /// <summary>
    /// Creates a context, or throws <see cref="ModelLoadException"/> when llama.cpp could not: LLamaSharp 0.30 then
    /// returns a context with a null handle instead of throwing, and the first call on it crashes the process.
    /// </summary>
    private static LLamaContext CreateContext(LLamaWeights weights, ModelParams parameters, string path, NativeLogBridge.Capture capture)
    {
        var context = weights.CreateContext(parameters);
        if (!context.NativeHandle.IsInvalid)
        {
            return context;
        }

        context.Dispose();
        var reason = NativeFailureReason(capture.Errors) ?? "it could not allocate the context";
        throw new ModelLoadException(path,
            $"llama.cpp could not create a context of {parameters.ContextSize:N0} tokens for '{path}': {reason}. Lower the contextSize setting or free memory.");
    }

    /// <summary>Creates the chat context on first use, sized to the memory free then (the completion context already holds its share).</summary>
    private sealed class ChatContextFactory(LLamaWeights weights, ModelParams parameters, ContextMemory? memory, Func<long?> freeMemory, string path, Serilog.ILogger logger)
    {
        public LLamaContext Create()
        {
            var requested = (int)(parameters.ContextSize ?? 0);
            int size;
            string? notice;
            try
            {
                (size, notice) = SizeContext(memory, requested, freeMemory(), path, "the chat context of AI actions");
            }
            catch (ModelLoadException e)
            {
                throw new InvalidOperationException(e.Message, e);
            }

            if (notice is not null)
            {
                logger.Warning("Chat context: {ContextNotice}", notice);
            }

            var chatParameters = parameters with { ContextSize = (uint)size };
            // Serialized with loads: llama.cpp's error lines are attributed to the one capture open.
            s_loadGate.Wait();
            try
            {
                using var capture = NativeLogBridge.BeginCapture(logger);
                return ModelHost.CreateContext(weights, chatParameters, path, capture);
            }
            catch (ModelLoadException e)
            {
                throw new InvalidOperationException(e.Message, e);
            }
            finally
            {
                s_loadGate.Release();
            }
        }
    }

    private static string DescribeNativeFailure(string path, IReadOnlyList<string> errors, Exception exception)
    {
        var reason = NativeFailureReason(errors) ?? exception.Message;
        return exception is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException
            ? $"The llama.cpp native library could not be loaded, so '{path}' cannot be used: {reason}. Run 'codelsp doctor' to see which library and CPU features were found."
            : $"llama.cpp could not load '{path}': {reason}. The file may be damaged, or made for a newer llama.cpp; download it again or choose another GGUF file.";
    }

    /// <summary>
    /// The specific part of llama.cpp's error lines. A failed load logs the root cause first
    /// ("gguf_init_from_reader: tensor 'x' has invalid ggml type 99") and then generic lines
    /// ("failed to read tensor info", "error loading model: … failed to load model from …"), which are dropped.
    /// </summary>
    internal static string? NativeFailureReason(IReadOnlyList<string> errors)
    {
        var specific = errors
            .Select(e => StripPrefix(StripPrefix(e.Trim(), functionName: true), functionName: false))
            .Where(e => e.Length > 0
                && !e.Contains("failed to load model", StringComparison.Ordinal)
                && !e.StartsWith("failed to read tensor", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return specific.Count > 0 ? string.Join("; ", specific) : null;

        static string StripPrefix(string line, bool functionName)
        {
            const string loading = "error loading model: ";
            if (!functionName)
            {
                return line.StartsWith(loading, StringComparison.Ordinal) ? line[loading.Length..] : line;
            }

            // "llama_model_load: …" → "…"; only an identifier followed by ": " counts as a prefix.
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            return colon > 0 && line[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? line[(colon + 2)..] : line;
        }
    }
}
