using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>A command the client runs, e.g. after accepting a suggestion. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#command</summary>
public sealed record Command
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("command")]
    public required string CommandIdentifier { get; init; }

    [JsonPropertyName("arguments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<JsonElement>? Arguments { get; init; }
}
