using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;

namespace CodeLsp.Features;

/// <summary>Turns the <c>engine*</c> settings into <see cref="RemoteEngineOptions"/>, or a message naming the setting to fix.</summary>
public static class RemoteEngineSettings
{
    public static IReadOnlyList<string> Kinds { get; } = [EngineKinds.Local, .. RemoteEngines.Kinds];

    /// <summary>Null options and null problem for <c>local</c>.</summary>
    public static (RemoteEngineOptions? Options, string? Problem) From(AssistantSettings settings)
    {
        var kind = settings.Engine;
        if (kind == EngineKinds.Local) return (null, null);
        if (!RemoteEngines.Kinds.Contains(kind))
        {
            return (null, $"codelsp.engine '{kind}' is not an engine kind; use one of {string.Join(", ", Kinds)}.");
        }
        if (string.IsNullOrWhiteSpace(settings.EngineUrl))
        {
            return (null, $"codelsp.engine is '{kind}' but codelsp.engineUrl is empty: set it to the server's address (e.g. http://gpu-box:8080).");
        }
        if (!Uri.TryCreate(settings.EngineUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, $"codelsp.engineUrl '{settings.EngineUrl}' is not an http(s) address (e.g. http://gpu-box:8080).");
        }
        if (kind == EngineKinds.Ollama && string.IsNullOrWhiteSpace(settings.EngineModel))
        {
            return (null, "codelsp.engine is 'ollama' but codelsp.engineModel is empty: set it to the model's name (e.g. qwen2.5-coder:7b-base).");
        }
        return (new RemoteEngineOptions
        {
            Kind = kind,
            BaseUrl = url,
            Model = string.IsNullOrWhiteSpace(settings.EngineModel) ? null : settings.EngineModel.Trim(),
            FimFamily = string.IsNullOrWhiteSpace(settings.EngineFimFamily) ? null : settings.EngineFimFamily.Trim(),
            ApiKey = settings.EngineApiKey,
            ApiKeySource = settings.EngineApiKeyEnv,
        }, null);
    }
}
