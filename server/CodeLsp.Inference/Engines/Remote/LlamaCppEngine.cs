using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// <c>llama.cpp</c>: a team's <c>llama-server</c>. Completions go to <c>/infill</c> with <c>input_prefix</c>,
/// <c>input_suffix</c> and the Roslyn context as <c>input_extra</c> chunks, so the server lays out its own
/// repository-level FIM prompt with the model's tokens and reuses its prompt cache (<c>cache_prompt</c>); tokens are
/// capped (<c>n_predict</c>, <c>t_max_predict_ms</c>) and no slot is pinned (<c>id_slot</c> is left to the server).
/// A 501 (the model has no FIM tokens) is permanent for the model: later requests send a raw FIM prompt to
/// <c>/completion</c>. Chat goes to <c>/v1/chat/completions</c>, with the GBNF grammar when the request has one.
/// </summary>
public sealed class LlamaCppEngine(RemoteEngineOptions options, ILogger logger) : RemoteEngine(options, logger)
{
    private const string InfillPath = "infill";
    private const string CompletionPath = "completion";
    private volatile bool _infillUnsupported;

    /// <summary>True after the server answered 501 to <c>/infill</c>.</summary>
    public bool UsesRawPrompts => _infillUnsupported;

    private protected override bool NeedsRawFim => _infillUnsupported;

    private protected override async Task<(string? Model, int? ContextSize, string? Warning)> ProbeAsync(CancellationToken cancellationToken)
    {
        // Open without a key on every build (ENGINES.md §1.1); one entry in single-model mode.
        using var response = await Http.GetAsync("v1/models", cancellationToken).ConfigureAwait(false);
        var list = await EngineHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var first = list.First("data");
        return (first?.String("id"), first?.Object("meta")?.Int("n_ctx_train"), null);
    }

    private protected override async Task<FimCompletion> CompleteCoreAsync(FimPrompt prompt, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        if (!_infillUnsupported)
        {
            try
            {
                return await SendAsync(InfillPath, InfillBody(prompt, limits), limits, deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineRequestException ex) when (ex.StatusCode == 501)
            {
                _infillUnsupported = true;
                Logger.Information("llama.cpp engine at {Url}: /infill is not supported by this model ({Message}); using raw FIM prompts on /completion", Options.BaseUrl, ex.Message);
            }
        }
        var family = RequireFamily();
        var body = Common(limits, family.RawStopList());
        body["prompt"] = family.RawPrompt(Before(prompt), prompt.Suffix);
        return await SendAsync(CompletionPath, body, limits, deadline, cancellationToken).ConfigureAwait(false);
    }

    private JsonObject InfillBody(FimPrompt prompt, GenerationLimits limits)
    {
        var chunks = prompt.ContextChunks
            ?? (string.IsNullOrEmpty(prompt.Context) ? [] : [new FimContextChunk("context.cs", prompt.Context)]);
        var body = Common(limits, Family?.RawStopList() ?? []);
        body["input_prefix"] = prompt.Prefix;
        body["input_suffix"] = prompt.Suffix;
        body["input_extra"] = new JsonArray(chunks.Select(c => (JsonNode)new JsonObject { ["filename"] = c.FileName, ["text"] = c.Text }).ToArray());
        body["prompt"] = "";
        return body;
    }

    private JsonObject Common(GenerationLimits limits, IReadOnlyList<string> stops)
    {
        var body = new JsonObject();
        if (Options.Model is { } model) body["model"] = model;
        body["n_predict"] = Math.Max(0, limits.MaxTokens);
        if (limits.TimeLimit != Timeout.InfiniteTimeSpan) body["t_max_predict_ms"] = (int)Math.Max(1, limits.TimeLimit.TotalMilliseconds);
        body["cache_prompt"] = true;
        body["temperature"] = 0;
        body["stop"] = new JsonArray(stops.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        body["stream"] = limits.MaxTokens > 0;
        return body;
    }

    private async Task<FimCompletion> SendAsync(string path, JsonObject body, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        var text = new StreamedText(limits.StopWhen);
        string? stopType = null;
        using var response = await Http.PostAsync(path, body, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var chunk in EventStream.ReadAsync(response, Options, path, cancellationToken).ConfigureAwait(false))
            {
                if (text.Add(chunk.String("content"))) return text.ToFim(StopReason.StoppedByCaller);
                if (chunk.Bool("stop") != true) continue;
                // The final chunk: the stream has no [DONE] (ENGINES.md §1.4).
                stopType = chunk.String("stop_type");
                text.PromptTokens = chunk.Int("tokens_evaluated");
                text.CachedTokens = chunk.Int("tokens_cached") is { } cached ? Math.Min(cached, text.PromptTokens ?? cached) : chunk.Object("timings")?.Int("cache_n");
                text.GeneratedTokens = chunk.Int("tokens_predicted");
                break;
            }
        }
        catch (OperationCanceledException) when (deadline.Expired && text.HasText)
        {
            return text.ToFim(StopReason.TimeLimit);
        }
        return text.ToFim(stopType == "limit" ? StopReason.MaxTokens : StopReason.EndOfGeneration);
    }

    private protected override Task<ChatCompletion> ChatCoreAsync(ChatRequest request, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        var body = OpenAiChat.Body(Options.Model, request, limits, new ChatAnswerShaper(request).ServerStops);
        if (request.Grammar is { } grammar) body["grammar"] = grammar;
        return OpenAiChat.SendAsync(Http, Options, body, request, limits, () => deadline.Expired, cancellationToken);
    }
}
