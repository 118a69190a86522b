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

/// <summary>window/showMessageRequest. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_showMessageRequest</summary>
public sealed record ShowMessageRequestParams
{
    [JsonPropertyName("type")]
    public MessageType Type { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("actions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MessageActionItem>? Actions { get; init; }
}

/// <summary>A button of a message request. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#messageActionItem</summary>
public sealed record MessageActionItem
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }
}

/// <summary>window/showDocument params. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_showDocument</summary>
public sealed record ShowDocumentParams
{
    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    [JsonPropertyName("takeFocus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? TakeFocus { get; init; }
}

/// <summary>window/showDocument result. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_showDocument</summary>
public sealed record ShowDocumentResult
{
    [JsonPropertyName("success")]
    public bool Success { get; init; }
}
