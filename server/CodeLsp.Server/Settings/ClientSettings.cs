using System.Text.Json;
using CodeLsp.Features;
using Serilog.Events;

namespace CodeLsp.Server.Settings;

/// <summary>Settings after merging: what the assistant gets, plus the server's own log level (null: leave as started).</summary>
internal sealed record ClientSettings(AssistantSettings Assistant, LogEventLevel? LogLevel)
{
    public static ClientSettings Default { get; } = new(new AssistantSettings(), null);
}

/// <summary>The raw inputs the merge starts from; each is replaced whole when the client sends a new one.</summary>
internal sealed record ClientSettingsSources(JsonElement? InitializationOptions, JsonElement? Configuration);
