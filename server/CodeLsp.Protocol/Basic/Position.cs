using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>Zero-based line and UTF-16 column. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#position</summary>
public sealed record Position
{
    public Position() { }
    public Position(int line, int character) => (Line, Character) = (line, character);

    [JsonPropertyName("line")]
    public int Line { get; init; }

    [JsonPropertyName("character")]
    public int Character { get; init; }

    public override string ToString() => $"{Line}:{Character}";
}

/// <summary>Start inclusive, end exclusive. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#range</summary>
public sealed record Range
{
    public Range() { }
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public Range(Position start, Position end) => (Start, End) = (start, end);

    [JsonPropertyName("start")]
    public required Position Start { get; init; }

    [JsonPropertyName("end")]
    public required Position End { get; init; }

    public override string ToString() => $"{Start}-{End}";
}

/// <summary>A range in a document. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#location</summary>
public sealed record Location
{
    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    [JsonPropertyName("range")]
    public required Range Range { get; init; }
}
