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

/// <summary>What the client knows at the range. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionContext</summary>
public sealed record CodeActionContext
{
    /// <summary>Kept raw: the server computes its own diagnostics, and clients send other servers' in varying shapes.</summary>
    [JsonPropertyName("diagnostics")]
    public IReadOnlyList<JsonElement> Diagnostics { get; init; } = [];

    [JsonPropertyName("only")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Only { get; init; }

    /// <summary>1 invoked, 2 automatic.</summary>
    [JsonPropertyName("triggerKind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TriggerKind { get; init; }
}

/// <summary>A compiler message. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#diagnostic</summary>
public sealed record Diagnostic
{
    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    /// <summary>1 error, 2 warning, 3 information, 4 hint.</summary>
    [JsonPropertyName("severity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Severity { get; init; }

    [JsonPropertyName("code")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Code { get; init; }

    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    [JsonPropertyName("message")]
    public string Message { get; init; } = "";
}

/// <summary>One entry of the code-action menu. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeAction</summary>
public sealed record CodeAction
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("kind")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonPropertyName("diagnostics")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Diagnostic>? Diagnostics { get; init; }

    [JsonPropertyName("isPreferred")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IsPreferred { get; init; }

    [JsonPropertyName("disabled")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CodeActionDisabled? Disabled { get; init; }

    [JsonPropertyName("edit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkspaceEdit? Edit { get; init; }

    [JsonPropertyName("command")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Command? Command { get; init; }

    /// <summary>3.18 (proposed): <see cref="CodeActionTags.LlmGenerated"/> marks a model-made edit.</summary>
    [JsonPropertyName("tags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? Tags { get; init; }
}

/// <summary>Why an action cannot run now. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeAction</summary>
public sealed record CodeActionDisabled
{
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}

/// <summary>Code action kinds. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionKind</summary>
public static class CodeActionKinds
{
    public const string QuickFix = "quickfix";
    public const string RefactorRewrite = "refactor.rewrite";
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionTag</summary>
public static class CodeActionTags
{
    public const int LlmGenerated = 1;
}

/// <summary>Server capability for code actions. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#codeActionOptions</summary>
public sealed record CodeActionOptions
{
    [JsonPropertyName("codeActionKinds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? CodeActionKinds { get; init; }

    [JsonPropertyName("resolveProvider")]
    public bool ResolveProvider { get; init; }
}

/// <summary>
/// Changes to files. Only <see cref="DocumentChanges"/> is used: <see cref="TextDocumentEdit"/> entries (versioned, so a stale
/// version fails safely) and <see cref="CreateFile"/>. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workspaceEdit
/// </summary>
public sealed record WorkspaceEdit
{
    [JsonPropertyName("documentChanges")]
    public IReadOnlyList<DocumentChange> DocumentChanges { get; init; } = [];

    [JsonPropertyName("changeAnnotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ChangeAnnotation>? ChangeAnnotations { get; init; }
}

/// <summary>One entry of <see cref="WorkspaceEdit.DocumentChanges"/>: a <see cref="TextDocumentEdit"/> or a <see cref="CreateFile"/> (told apart by <c>kind</c>).</summary>
[JsonConverter(typeof(DocumentChangeConverter))]
public abstract record DocumentChange;

/// <summary>Reads a document change by its <c>kind</c> (absent: a text edit); writes it as its own type.</summary>
internal sealed class DocumentChangeConverter : JsonConverter<DocumentChange>
{
    public override DocumentChange? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        return root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "create"
            ? root.Deserialize<CreateFile>(options)
            : root.Deserialize<TextDocumentEdit>(options);
    }

    public override void Write(Utf8JsonWriter writer, DocumentChange value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}

/// <summary>Edits of one document at one version. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentEdit</summary>
public sealed record TextDocumentEdit : DocumentChange
{
    [JsonPropertyName("textDocument")]
    public required OptionalVersionedTextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("edits")]
    public IReadOnlyList<TextEdit> Edits { get; init; } = [];
}

/// <summary>A replacement (annotated when <see cref="AnnotationId"/> is set). https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textEdit</summary>
public sealed record TextEdit
{
    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("newText")]
    public required string NewText { get; init; }

    [JsonPropertyName("annotationId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AnnotationId { get; init; }
}

/// <summary>Creates a file. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#createFile</summary>
public sealed record CreateFile : DocumentChange
{
    [JsonPropertyName("kind")]
    public string Kind => "create";

    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    [JsonPropertyName("options")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CreateFileOptions? Options { get; init; }

    [JsonPropertyName("annotationId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AnnotationId { get; init; }
}

/// <summary>https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#createFileOptions</summary>
public sealed record CreateFileOptions
{
    [JsonPropertyName("overwrite")]
    public bool Overwrite { get; init; }

    [JsonPropertyName("ignoreIfExists")]
    public bool IgnoreIfExists { get; init; }
}

/// <summary>Labels a group of edits. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#changeAnnotation</summary>
public sealed record ChangeAnnotation
{
    [JsonPropertyName("label")]
    public required string Label { get; init; }

    [JsonPropertyName("needsConfirmation")]
    public bool NeedsConfirmation { get; init; }

    [JsonPropertyName("description")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }
}

/// <summary>workspace/applyEdit params. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#applyWorkspaceEditParams</summary>
public sealed record ApplyWorkspaceEditParams
{
    [JsonPropertyName("label")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    [JsonPropertyName("edit")]
    public required WorkspaceEdit Edit { get; init; }
}

/// <summary>workspace/applyEdit result. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#applyWorkspaceEditResult</summary>
public sealed record ApplyWorkspaceEditResult
{
    [JsonPropertyName("applied")]
    public bool Applied { get; init; }

    [JsonPropertyName("failureReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FailureReason { get; init; }
}
