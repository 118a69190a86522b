using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// <c>ollama</c>: completions go to <c>/api/generate</c> — with <c>suffix</c> when <c>/api/show</c> lists the
/// model's <c>insert</c> capability (its template then places the FIM tokens), else <c>raw: true</c> with the
/// family's FIM prompt — with <c>options.num_predict</c> (Ollama's default is unbounded), <c>stop</c> and
/// <c>keep_alive</c>, streamed as NDJSON. Chat goes to <c>/api/chat</c>. Ollama has no keys; a proxy in front
/// of it may, and gets the bearer header like any other engine.
/// </summary>
public sealed class OllamaEngine(RemoteEngineOptions options, ILogger logger) : RemoteEngine(options, logger)
{
    private const string GeneratePath = "api/generate";
    private const string ChatPath = "api/chat";
    private bool? _insert;

    /// <summary>What <c>/api/show</c> said: true when the model takes <c>suffix</c>; null before the probe.</summary>
    public bool? SupportsInsert => _insert;

    private protected override bool NeedsRawFim => _insert == false;

    private protected override async Task<(string? Model, int? ContextSize, string? Warning)> ProbeAsync(CancellationToken cancellationToken)
    {
        if (Options.Model is null)
        {
            throw new EngineRequestException(EngineProblem.NotFound, "The ollama engine needs a model name: set codelsp.engineModel (e.g. qwen2.5-coder:7b-base).");
        }
        using var response = await Http.PostAsync("api/show", new JsonObject { ["model"] = Options.Model }, cancellationToken).ConfigureAwait(false);
        var show = await EngineHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
        _insert = show.TryGetProperty("capabilities", out var capabilities) && capabilities.ValueKind == JsonValueKind.Array
            && capabilities.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && c.GetString() == "insert");
        int? context = null;
        if (show.Object("model_info") is { } info)
        {
            foreach (var property in info.EnumerateObject())
            {
                if (property.Name.EndsWith(".context_length", StringComparison.Ordinal) && property.Value.TryGetInt32(out var n)) context = n;
            }
        }
        return (Options.Model, context, null);
    }

    private protected override async Task<FimCompletion> CompleteCoreAsync(FimPrompt prompt, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        if (limits.MaxTokens <= 0) return new FimCompletion("", StopReason.MaxTokens, 0, 0, TimeSpan.Zero, 0, TimeSpan.Zero);
        if (_insert is null) await ProbeAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject { ["model"] = Options.Model };
        IReadOnlyList<string> stops;
        if (_insert == true)
        {
            body["prompt"] = Before(prompt);
            // An empty suffix would mean "no suffix" and select the model's ordinary (possibly chat) template.
            body["suffix"] = prompt.Suffix.Length > 0 ? prompt.Suffix : "\n";
            stops = Family?.RawStopList() ?? [];
        }
        else
        {
            var family = RequireFamily();
            body["prompt"] = family.RawPrompt(Before(prompt), prompt.Suffix);
            body["raw"] = true;
            stops = family.RawStopList();
        }
        body["stream"] = true;
        body["keep_alive"] = Options.KeepAlive;
        body["options"] = new JsonObject
        {
            ["num_predict"] = limits.MaxTokens,
            ["temperature"] = 0,
            ["stop"] = new JsonArray(stops.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
        };

        var text = new StreamedText(limits.StopWhen);
        string? doneReason = null;
        using var response = await Http.PostAsync(GeneratePath, body, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var line in EventStream.ReadAsync(response, Options, GeneratePath, cancellationToken).ConfigureAwait(false))
            {
                if (text.Add(line.String("response"))) return text.ToFim(StopReason.StoppedByCaller);
                if (line.Bool("done") != true) continue;
                doneReason = line.String("done_reason");
                text.PromptTokens = line.Int("prompt_eval_count");
                text.GeneratedTokens = line.Int("eval_count");
                break;
            }
        }
        catch (OperationCanceledException) when (deadline.Expired && text.HasText)
        {
            return text.ToFim(StopReason.TimeLimit);
        }
        return text.ToFim(doneReason == "length" ? StopReason.MaxTokens : StopReason.EndOfGeneration);
    }

    private protected override async Task<ChatCompletion> ChatCoreAsync(ChatRequest request, GenerationLimits limits, Deadline deadline, CancellationToken cancellationToken)
    {
        var shaper = new ChatAnswerShaper(request);
        var options = new JsonObject { ["num_predict"] = Math.Max(1, limits.MaxTokens), ["temperature"] = 0 };
        if (shaper.ServerStops.Count > 0) options["stop"] = new JsonArray(shaper.ServerStops.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        var body = new JsonObject
        {
            ["model"] = Options.Model,
            ["messages"] = new JsonArray(request.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            ["stream"] = true,
            ["keep_alive"] = Options.KeepAlive,
            ["options"] = options,
        };
        var clock = new StreamedText(null);
        int? promptTokens = null, generated = null;
        string? doneReason = null;
        using var response = await Http.PostAsync(ChatPath, body, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var line in EventStream.ReadAsync(response, Options, ChatPath, cancellationToken).ConfigureAwait(false))
            {
                var piece = line.Object("message")?.String("content");
                clock.Add(piece);
                if (shaper.Add(piece)) return Result(StopReason.EndOfGeneration);
                if (limits.StopWhen is { } stopWhen && piece is { Length: > 0 } && stopWhen(shaper.Text)) return Result(StopReason.StoppedByCaller);
                if (line.Bool("done") != true) continue;
                doneReason = line.String("done_reason");
                promptTokens = line.Int("prompt_eval_count");
                generated = line.Int("eval_count");
                break;
            }
        }
        catch (OperationCanceledException) when (deadline.Expired && shaper.Text.Length > 0)
        {
            return Result(StopReason.TimeLimit);
        }
        return Result(doneReason == "length" ? StopReason.MaxTokens : StopReason.EndOfGeneration);

        ChatCompletion Result(StopReason reason) =>
            new(shaper.Text, reason, promptTokens ?? 0, clock.PromptTime, generated ?? clock.Pieces, clock.GenerationTime);
    }
}
