using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// <c>openai</c>: any OpenAI-compatible server (vLLM, SGLang, LM Studio, TGI, Ollama's /v1). Completions go to
/// <c>/v1/completions</c> as a raw FIM prompt spelled with the model family's tokens — never <c>suffix</c>, which
/// vLLM (400) and TGI (422) reject — with <c>max_tokens</c> and the family's stop texts, streamed as SSE until
/// <c>[DONE]</c>. Chat goes to <c>/v1/chat/completions</c>. The model is <c>engineModel</c>, else the first id of
/// <c>/v1/models</c>.
/// </summary>
public sealed class OpenAiEngine(RemoteEngineOptions options, ILogger logger) : RemoteEngine(options, logger)
{
    private const string CompletionsPath = "v1/completions";

    private protected override async Task<(string? Model, int? ContextSize, string? Warning)> ProbeAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync("v1/models", cancellationToken).ConfigureAwait(false);
        var list = await EngineHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        var models = list.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.EnumerateArray().ToList() : [];
        var ids = models.Select(m => m.String("id")).OfType<string>().ToList();
        if (Options.Model is { } wanted && ids.Count > 0 && !ids.Contains(wanted, StringComparer.Ordinal))
        {
            throw new EngineRequestException(EngineProblem.NotFound,
                $"The openai engine at {Options.BaseUrl} does not serve the model '{wanted}' (it serves {string.Join(", ", ids)}). Check codelsp.engineModel.");
        }
        var chosen = models.FirstOrDefault(m => m.String("id") == (Options.Model ?? ids.FirstOrDefault()));
        // vLLM says max_model_len; llama-server meta.n_ctx_train.
        var context = chosen.ValueKind == JsonValueKind.Object ? chosen.Int("max_model_len") ?? chosen.Object("meta")?.Int("n_ctx_train") : null;
        return (ids.FirstOrDefault(), context, null);
    }

    private protected override async Task<FimCompletion> CompleteCoreAsync(FimPrompt prompt, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        if (limits.MaxTokens <= 0) return new FimCompletion("", StopReason.MaxTokens, 0, 0, TimeSpan.Zero, 0, TimeSpan.Zero);
        await EnsureModelAsync(cancellationToken).ConfigureAwait(false);
        var family = RequireFamily();
        var body = new JsonObject();
        if (ModelForRequests is { } model) body["model"] = model;
        body["prompt"] = family.RawPrompt(Before(prompt), prompt.Suffix);
        body["max_tokens"] = limits.MaxTokens;
        body["temperature"] = 0;
        body["stop"] = new JsonArray(family.RawStopList().Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        body["stream"] = true;

        var text = new StreamedText(limits.StopWhen);
        string? finish = null;
        using var response = await Http.PostAsync(CompletionsPath, body, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var chunk in EventStream.ReadAsync(response, Options, CompletionsPath, cancellationToken).ConfigureAwait(false))
            {
                if (chunk.Object("usage") is { } usage)
                {
                    text.PromptTokens = usage.Int("prompt_tokens") ?? text.PromptTokens;
                    text.GeneratedTokens = usage.Int("completion_tokens") ?? text.GeneratedTokens;
                    text.CachedTokens = usage.Object("prompt_tokens_details")?.Int("cached_tokens") ?? text.CachedTokens;
                }
                if (chunk.First("choices") is not { } choice) continue;
                if (text.Add(choice.String("text"))) return text.ToFim(StopReason.StoppedByCaller);
                finish = choice.String("finish_reason") ?? finish;
            }
        }
        catch (OperationCanceledException) when (deadline.Expired && text.HasText)
        {
            return text.ToFim(StopReason.TimeLimit);
        }
        return text.ToFim(finish == "length" ? StopReason.MaxTokens : StopReason.EndOfGeneration);
    }

    private protected override async Task<ChatCompletion> ChatCoreAsync(ChatRequest request, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        await EnsureModelAsync(cancellationToken).ConfigureAwait(false);
        var body = OpenAiChat.Body(ModelForRequests, request, limits, new ChatAnswerShaper(request).ServerStops);
        return await OpenAiChat.SendAsync(Http, Options, body, request, limits, () => deadline.Expired, cancellationToken).ConfigureAwait(false);
    }
}
