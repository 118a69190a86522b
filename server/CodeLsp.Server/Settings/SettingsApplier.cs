using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Settings;

/// <summary>Re-reads the merged settings from new sources and hands them on: log level switch and the assistant.</summary>
internal static class SettingsApplier
{
    public static void Apply(ServerState server, ClientSettingsSources sources)
    {
        var (settings, warnings) = SettingsReader.Read(sources, server.GetEnvironmentVariable);
        foreach (var warning in warnings)
        {
            server.Logger.Warning("Setting {Warning}", warning);
        }

        server.SettingsSources = sources;
        server.Settings = settings;
        if (server.LevelSwitch is { } levelSwitch)
        {
            levelSwitch.MinimumLevel = settings.LogLevel ?? server.StartupLogLevel;
        }

        var assistant = settings.Assistant;
        server.Logger.Information(
            "Settings: engine {Engine}{EngineUrl}, model {ModelPath}, enabled {Enabled}, maxTokens {MaxTokens}, contextSize {ContextSize}, threads {Threads}",
            assistant.Engine, assistant.EngineUrl is null ? "" : $" at {assistant.EngineUrl} ({assistant.EngineModel ?? "server's model"}, key {(assistant.EngineApiKey is null ? "none" : "from $" + assistant.EngineApiKeyEnv)})",
            assistant.ModelPath ?? "(none)", assistant.Enabled, assistant.MaxTokens, assistant.ContextSize, assistant.Threads?.ToString() ?? "auto");
        try
        {
            server.Assistant.ApplySettings(assistant);
        }
        catch (Exception ex)
        {
            // initialize must still be answered, and a bad setting must not end the session.
            server.Logger.Error(ex, "The assistant rejected the settings");
        }
    }
}
