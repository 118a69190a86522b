using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>
/// codelsp/nextEdits params: a versioned document and a position. Shaped like the hosted assistants' de-facto
/// <c>textDocument/copilotInlineEdit</c> request (a versioned document and a position), so other clients can adopt it.
/// </summary>
public sealed record NextEditsParams
{
    [JsonPropertyName("textDocument")]
    public required VersionedTextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("position")]
    public required Position Position { get; init; }
}

/// <summary>codelsp/nextEdits result: the follow-up edits, nearest site first; empty for a stale version.</summary>
public sealed record NextEditsResult
{
    [JsonPropertyName("edits")]
    public IReadOnlyList<NextEditItem> Edits { get; init; } = [];
}

/// <summary>One follow-up edit: replace <see cref="Range"/> of the document (at its version) with <see cref="NewText"/>.</summary>
public sealed record NextEditItem
{
    [JsonPropertyName("textDocument")]
    public required OptionalVersionedTextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("newText")]
    public required string NewText { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>"compiler" (decided by the compiler) or "model" (written by the model, then compile-checked).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>Identifies the edit for codelsp.nextEditAccepted / codelsp.nextEditDismissed.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>A short title ("Update call: add argument `ct`").</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>The compiler diagnostic the edit resolves, e.g. "CS7036".</summary>
    [JsonPropertyName("diagnostic")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Diagnostic { get; init; }
}

/// <summary>A document, with its version when it is open (null: the file on disk). https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#optionalVersionedTextDocumentIdentifier</summary>
public sealed record OptionalVersionedTextDocumentIdentifier
{
    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    /// <summary>Written even when null: the specification requires the property (null: the file as on disk).</summary>
    [JsonPropertyName("version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? Version { get; init; }
}
