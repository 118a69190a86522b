using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>textDocument/inlineCompletion request. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionParams</summary>
public sealed record InlineCompletionParams
{
    [JsonPropertyName("textDocument")]
    public required TextDocumentIdentifier TextDocument { get; init; }

    [JsonPropertyName("position")]
    public required Position Position { get; init; }

    [JsonPropertyName("context")]
    public InlineCompletionContext Context { get; init; } = new();
}

/// <summary>Why inline completion was asked for. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionContext</summary>
public sealed record InlineCompletionContext
{
    [JsonPropertyName("triggerKind")]
    public InlineCompletionTriggerKind TriggerKind { get; init; } = InlineCompletionTriggerKind.Automatic;

    [JsonPropertyName("selectedCompletionInfo")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SelectedCompletionInfo? SelectedCompletionInfo { get; init; }
}

/// <summary>How inline completion was triggered. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionTriggerKind</summary>
public enum InlineCompletionTriggerKind
{
    Invoked = 1,
    Automatic = 2,
}

/// <summary>The item selected in the editor's completion widget. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#selectedCompletionInfo</summary>
public sealed record SelectedCompletionInfo
{
    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("text")]
    public string Text { get; init; } = "";
}

/// <summary>The answer to textDocument/inlineCompletion. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionList</summary>
public sealed record InlineCompletionList
{
    [JsonPropertyName("items")]
    public IReadOnlyList<InlineCompletionItem> Items { get; init; } = [];
}

/// <summary>One ghost-text suggestion. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionItem</summary>
public sealed record InlineCompletionItem
{
    [JsonPropertyName("insertText")]
    public required string InsertText { get; init; }

    [JsonPropertyName("filterText")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FilterText { get; init; }

    [JsonPropertyName("range")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Range? Range { get; init; }

    [JsonPropertyName("command")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Command? Command { get; init; }
}
