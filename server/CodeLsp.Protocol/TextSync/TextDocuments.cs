using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>Names a document. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentIdentifier</summary>
public sealed record TextDocumentIdentifier
{
    [JsonPropertyName("uri")]
    [JsonConverter(typeof(DocumentUriConverter))]
    public required Uri Uri { get; init; }
}

/// <summary>Names a document at a version. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#versionedTextDocumentIdentifier</summary>
public sealed record VersionedTextDocumentIdentifier
{
    [JsonPropertyName("uri")]
    [JsonConverter(typeof(DocumentUriConverter))]
    public required Uri Uri { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; }
}

/// <summary>A document as the client opened it. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentItem</summary>
public sealed record TextDocumentItem
{
    [JsonPropertyName("uri")]
    [JsonConverter(typeof(DocumentUriConverter))]
    public required Uri Uri { get; init; }

    [JsonPropertyName("languageId")]
    public string LanguageId { get; init; } = "";

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("text")]
    public string Text { get; init; } = "";
}

/// <summary>
/// One change: a range and its new text, or (no range) the whole new text.
/// https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentContentChangeEvent
/// </summary>
public sealed record TextDocumentContentChangeEvent
{
    [JsonPropertyName("range")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Range? Range { get; init; }

    /// <summary>Deprecated by the spec; read but never trusted.</summary>
    [JsonPropertyName("rangeLength")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RangeLength { get; init; }

    [JsonPropertyName("text")]
    public string Text { get; init; } = "";
}

/// <summary>textDocument/didOpen. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocument_didOpen</summary>
public sealed record DidOpenTextDocumentParams
{
    [JsonPropertyName("textDocument")]
    public required TextDocumentItem TextDocument { get; init; }
}

/// <summary>textDocument/didChange. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocument_didChange</summary>
public sealed record DidChangeTextDocumentParams
{
    [JsonPropertyName("textDocument")]
    public required VersionedTextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("contentChanges")]
    public IReadOnlyList<TextDocumentContentChangeEvent> ContentChanges { get; init; } = [];
}

/// <summary>textDocument/didClose. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocument_didClose</summary>
public sealed record DidCloseTextDocumentParams
{
    [JsonPropertyName("textDocument")]
    public required TextDocumentIdentifier TextDocument { get; init; }
}

/// <summary>textDocument/didSave. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocument_didSave</summary>
public sealed record DidSaveTextDocumentParams
{
    [JsonPropertyName("textDocument")]
    public required TextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }
}

/// <summary>How the server wants changes. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentSyncKind</summary>
public enum TextDocumentSyncKind
{
    None = 0,
    Full = 1,
    Incremental = 2,
}
