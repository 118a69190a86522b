using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Server.Logging;
using Serilog.Events;

namespace CodeLsp.Server.Settings;

/// <summary>
/// Merges settings into <see cref="ClientSettings"/>, later layers winning:
/// defaults ← initializationOptions (keys at the top or under "codelsp") ← the "codelsp" section of
/// workspace/didChangeConfiguration (including its "server" subsection) ← CODELSP_MODEL as the fallback for an unset modelPath.
/// A value of the wrong type or out of range is reported in <see cref="Result.Warnings"/> and the earlier value kept.
/// </summary>
internal static class SettingsReader
{
    public const string Section = "codelsp";
    public const string ModelEnvironmentVariable = "CODELSP_MODEL";

    /// <summary>Where the engine's API key is read from when <c>engineApiKeyEnv</c> is not set.</summary>
    public const string ApiKeyEnvironmentVariable = "CODELSP_ENGINE_API_KEY";

    public sealed record Result(ClientSettings Settings, IReadOnlyList<string> Warnings);

    public static Result Read(ClientSettingsSources sources, Func<string, string?> getEnvironmentVariable)
    {
        var warnings = new List<string>();
        var assistant = new AssistantSettings();
        LogEventLevel? logLevel = null;

        foreach (var (layer, origin) in Layers(sources))
        {
            (assistant, logLevel) = Apply(layer, origin, assistant, logLevel, warnings);
        }

        if (string.IsNullOrWhiteSpace(assistant.ModelPath) && getEnvironmentVariable(ModelEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            assistant = assistant with { ModelPath = fromEnvironment.Trim() };
        }

        assistant = WithApiKey(assistant, getEnvironmentVariable, warnings);
        return new Result(new ClientSettings(assistant, logLevel), warnings);
    }

    /// <summary>
    /// Reads the remote engine's key from the environment variable <c>engineApiKeyEnv</c> names (default
    /// <see cref="ApiKeyEnvironmentVariable"/>, which the VS Code extension fills from its secret storage). The key
    /// never comes from a settings file, and only a remote engine ever sends it.
    /// </summary>
    private static AssistantSettings WithApiKey(AssistantSettings settings, Func<string, string?> getEnvironmentVariable, List<string> warnings)
    {
        var name = settings.EngineApiKeyEnv ?? ApiKeyEnvironmentVariable;
        var key = getEnvironmentVariable(name);
        if (!string.IsNullOrWhiteSpace(key)) return settings with { EngineApiKeyEnv = name, EngineApiKey = new Inference.Engines.Remote.EngineApiKey(key.Trim()) };
        if (settings.EngineApiKeyEnv is not null && settings.Engine != Inference.Engines.EngineKinds.Local)
        {
            warnings.Add($"codelsp.engineApiKeyEnv names {name}, which is not set in the server's environment; requests go without a key.");
        }
        return settings;
    }

    private static IEnumerable<(JsonElement Layer, string Origin)> Layers(ClientSettingsSources sources)
    {
        if (sources.InitializationOptions is { ValueKind: JsonValueKind.Object } options)
        {
            yield return (options, "initializationOptions");
            if (options.TryGetProperty(Section, out var nested) && nested.ValueKind == JsonValueKind.Object)
            {
                yield return (nested, "initializationOptions.codelsp");
            }
        }
        if (sources.Configuration is { ValueKind: JsonValueKind.Object } configuration)
        {
            // VS Code sends { "codelsp": { ... } }; a client that sends the section itself is accepted too.
            var section = configuration.TryGetProperty(Section, out var nested) ? nested : configuration;
            if (section.ValueKind == JsonValueKind.Object)
            {
                yield return (section, "codelsp");
                if (section.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.Object)
                {
                    yield return (server, "codelsp.server");
                }
            }
        }
    }

    private static (AssistantSettings, LogEventLevel?) Apply(
        JsonElement layer, string origin, AssistantSettings settings, LogEventLevel? logLevel, List<string> warnings)
    {
        foreach (var property in layer.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            string Where() => $"{origin}.{property.Name}";
            switch (property.Name)
            {
                case "modelPath":
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        var path = value.GetString()!.Trim();
                        settings = settings with { ModelPath = path.Length == 0 ? null : path };
                    }
                    else warnings.Add($"{Where()} must be a string path; ignored.");
                    break;
                case "enable":
                case "enabled":
                    if (ReadBool(value, Where(), warnings) is { } enabled) settings = settings with { Enabled = enabled };
                    break;
                case "maxTokens":
                    if (ReadInt(value, 1, 4096, Where(), warnings) is { } maxTokens) settings = settings with { MaxTokens = maxTokens };
                    break;
                case "contextSize":
                    if (ReadInt(value, 256, 1 << 20, Where(), warnings) is { } contextSize) settings = settings with { ContextSize = contextSize };
                    break;
                case "threads":
                    if (ReadInt(value, 1, 1024, Where(), warnings) is { } threads) settings = settings with { Threads = threads };
                    break;
                case "contextTokens":
                    if (ReadInt(value, 0, 8192, Where(), warnings) is { } contextTokens) settings = settings with { ContextTokens = contextTokens };
                    break;
                case "compileCheck":
                    if (ReadBool(value, Where(), warnings) is { } compileCheck) settings = settings with { CompileCheck = compileCheck };
                    break;
                case "constrainedDecoding":
                    if (ReadBool(value, Where(), warnings) is { } constrained) settings = settings with { ConstrainedDecoding = constrained };
                    break;
                case "automatic":
                    if (ReadBool(value, Where(), warnings) is { } automatic) settings = settings with { Automatic = automatic };
                    break;
                case "targetFramework":
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        var tfm = value.GetString()!.Trim();
                        settings = settings with { TargetFramework = tfm.Length == 0 ? null : tfm };
                    }
                    else warnings.Add($"{Where()} must be a target framework such as \"net8.0\"; ignored.");
                    break;
                case "loadAllTargetFrameworks":
                    if (ReadBool(value, Where(), warnings) is { } all) settings = settings with { LoadAllTargetFrameworks = all };
                    break;
                case "timeLimitMs":
                    if (ReadInt(value, 50, 600_000, Where(), warnings) is { } timeLimit) settings = settings with { TimeLimitMs = timeLimit };
                    break;
                case "actionTimeLimitMs":
                    if (ReadInt(value, 1000, 3_600_000, Where(), warnings) is { } actionLimit) settings = settings with { ActionTimeLimitMs = actionLimit };
                    break;
                case "engine":
                    if (value.ValueKind == JsonValueKind.String && RemoteEngineSettings.Kinds.Contains(value.GetString()!.Trim()))
                    {
                        settings = settings with { Engine = value.GetString()!.Trim() };
                    }
                    else warnings.Add($"{Where()} must be one of {string.Join(", ", RemoteEngineSettings.Kinds)}; ignored.");
                    break;
                case "engineUrl":
                    if (ReadText(value, Where(), warnings) is { } url) settings = settings with { EngineUrl = url.Length == 0 ? null : url };
                    break;
                case "engineModel":
                    if (ReadText(value, Where(), warnings) is { } model) settings = settings with { EngineModel = model.Length == 0 ? null : model };
                    break;
                case "engineFimFamily":
                    if (ReadText(value, Where(), warnings) is { } family) settings = settings with { EngineFimFamily = family.Length == 0 ? null : family };
                    break;
                case "engineApiKeyEnv":
                    if (ReadText(value, Where(), warnings) is { } keyEnv) settings = settings with { EngineApiKeyEnv = keyEnv.Length == 0 ? null : keyEnv };
                    break;
                case "unloadAfterIdleMinutes":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var minutes) && minutes is >= 0 and <= 10_080)
                    {
                        settings = settings with { UnloadAfterIdleMinutes = minutes };
                    }
                    else warnings.Add($"{Where()} must be a number of minutes from 0 (never) to 10080, got {value.GetRawText()}; ignored.");
                    break;
                case "logLevel":
                    if (value.ValueKind == JsonValueKind.String && ServerLogging.TryParseLevel(value.GetString()!, out var level)) logLevel = level;
                    else warnings.Add($"{Where()} must be one of {ServerLogging.LevelNames}; ignored.");
                    break;
            }
        }
        return (settings, logLevel);
    }

    private static string? ReadText(JsonElement value, string where, List<string> warnings)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!.Trim();
        warnings.Add($"{where} must be a string; ignored.");
        return null;
    }

    private static bool? ReadBool(JsonElement value, string where, List<string> warnings)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        warnings.Add($"{where} must be true or false; ignored.");
        return null;
    }

    private static int? ReadInt(JsonElement value, int min, int max, string where, List<string> warnings)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }
        warnings.Add($"{where} must be a whole number from {min} to {max}, got {value.GetRawText()}; ignored.");
        return null;
    }
}
