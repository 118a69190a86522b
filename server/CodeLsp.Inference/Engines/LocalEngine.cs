namespace CodeLsp.Inference.Engines;

/// <summary>The in-process model: <see cref="ModelHost"/> behind the engine abstraction. Opens no socket.</summary>
public sealed class LocalEngine(ModelHost host) : IInferenceEngine
{
    public ModelHost Host => host;

    public EngineInfo Info { get; } = new()
    {
        Kind = EngineKinds.Local,
        ModelName = host.Description.Name,
        Location = host.Description.Path,
        ContextSize = host.Description.ContextSize,
        SupportsFim = host.Description.SupportsFim,
        SupportsChat = host.Description.SupportsChat,
        ExactTokenCounts = true,
    };

    public int CountTokens(string text) => host.CountTokens(text);

    public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken) =>
        host.CompleteAsync(prompt, limits, cancellationToken);

    public Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken) =>
        host.ChatAsync(request, limits, cancellationToken);

    public void Dispose() => host.Dispose();
}
