using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>textDocument/codeAction params. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionParams</summary>
public sealed record CodeActionParams
{
    [JsonPropertyName("textDocument")]
    public required TextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("context")]
    public CodeActionContext Context { get; init; } = new();
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionContext</summary>
public sealed record CodeActionContext
{
    [JsonPropertyName("diagnostics")]
    public IReadOnlyList<JsonElement> Diagnostics { get; init; } = [];

    [JsonPropertyName("only")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Only { get; init; }
}

/// <summary>A code action: an edit to apply and/or a command to run. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeAction</summary>
public sealed record CodeAction
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonPropertyName("isPreferred")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsPreferred { get; init; }

    [JsonPropertyName("edit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkspaceEdit? Edit { get; init; }

    [JsonPropertyName("command")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Command? Command { get; init; }
}

/// <summary>Code action kinds. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionKind</summary>
public static class CodeActionKinds
{
    public const string QuickFix = "quickfix";
}

/// <summary>Server capability for code actions. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionOptions</summary>
public sealed record CodeActionOptions
{
    [JsonPropertyName("codeActionKinds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? CodeActionKinds { get; init; }
}

/// <summary>Edits to several documents, each at a version. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workspaceEdit</summary>
public sealed record WorkspaceEdit
{
    [JsonPropertyName("documentChanges")]
    public IReadOnlyList<TextDocumentEdit> DocumentChanges { get; init; } = [];
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentEdit</summary>
public sealed record TextDocumentEdit
{
    [JsonPropertyName("textDocument")]
    public required OptionalVersionedTextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("edits")]
    public IReadOnlyList<TextEdit> Edits { get; init; } = [];
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textEdit</summary>
public sealed record TextEdit
{
    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("newText")]
    public required string NewText { get; init; }
}

/// <summary>workspace/applyEdit (server to client). https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workspace_applyEdit</summary>
public sealed record ApplyWorkspaceEditParams
{
    [JsonPropertyName("label")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    [JsonPropertyName("edit")]
    public required WorkspaceEdit Edit { get; init; }
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#applyWorkspaceEditResult</summary>
public sealed record ApplyWorkspaceEditResult
{
    [JsonPropertyName("applied")]
    public bool Applied { get; init; }

    [JsonPropertyName("failureReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FailureReason { get; init; }
}
