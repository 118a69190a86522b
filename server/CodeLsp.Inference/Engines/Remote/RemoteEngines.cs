using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>Creates the engine of a remote kind. Opens nothing: the first request does.</summary>
public static class RemoteEngines
{
    public static IReadOnlyList<string> Kinds { get; } = [EngineKinds.LlamaCpp, EngineKinds.Ollama, EngineKinds.OpenAi];

    public static RemoteEngine Create(RemoteEngineOptions options, ILogger logger) => options.Kind switch
    {
        EngineKinds.LlamaCpp => new LlamaCppEngine(options, logger),
        EngineKinds.Ollama => new OllamaEngine(options, logger),
        EngineKinds.OpenAi => new OpenAiEngine(options, logger),
        _ => throw new ArgumentException($"Unknown engine kind '{options.Kind}'; use local, {string.Join(", ", Kinds)}.", nameof(options)),
    };
}
