using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>Message severity. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#messageType</summary>
public enum MessageType
{
    Error = 1,
    Warning = 2,
    Info = 3,
    Log = 4,
    Debug = 5,
}

/// <summary>window/showMessage. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_showMessage</summary>
public sealed record ShowMessageParams
{
    [JsonPropertyName("type")]
    public MessageType Type { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary>window/logMessage. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_logMessage</summary>
public sealed record LogMessageParams
{
    [JsonPropertyName("type")]
    public MessageType Type { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}
