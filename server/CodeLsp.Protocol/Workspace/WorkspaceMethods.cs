using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>workspace/executeCommand params. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#executeCommandParams</summary>
public sealed record ExecuteCommandParams
{
    [JsonPropertyName("command")]
    public required string Command { get; init; }

    [JsonPropertyName("arguments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<JsonElement>? Arguments { get; init; }
}

/// <summary>workspace/didChangeWatchedFiles params. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#didChangeWatchedFilesParams</summary>
public sealed record DidChangeWatchedFilesParams
{
    [JsonPropertyName("changes")]
    public IReadOnlyList<FileEvent> Changes { get; init; } = [];
}

/// <summary>One changed file. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#fileEvent</summary>
public sealed record FileEvent
{
    [JsonPropertyName("uri")]
    [JsonConverter(typeof(DocumentUriConverter))]
    public required Uri Uri { get; init; }

    /// <summary>1 created, 2 changed, 3 deleted.</summary>
    [JsonPropertyName("type")]
    public required int Type { get; init; }
}
