using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>initialize request. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#initialize</summary>
public sealed record InitializeParams
{
    [JsonPropertyName("processId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ProcessId { get; init; }

    [JsonPropertyName("clientInfo")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ClientInfo? ClientInfo { get; init; }

    [JsonPropertyName("locale")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Locale { get; init; }

    [JsonPropertyName("rootPath")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RootPath { get; init; }

    [JsonPropertyName("rootUri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Uri? RootUri { get; init; }

    [JsonPropertyName("workspaceFolders")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WorkspaceFolder>? WorkspaceFolders { get; init; }

    [JsonPropertyName("capabilities")]
    public ClientCapabilities Capabilities { get; init; } = new();

    [JsonPropertyName("initializationOptions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? InitializationOptions { get; init; }

    /// <summary>"off" | "messages" | "verbose".</summary>
    [JsonPropertyName("trace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Trace { get; init; }
}

/// <summary>Who the client is. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#initialize</summary>
public sealed record ClientInfo
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Version { get; init; }
}

/// <summary>A workspace root. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workspaceFolder</summary>
public sealed record WorkspaceFolder
{
    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";
}

/// <summary>
/// The part of the client's capabilities this server reads; everything else is kept raw in <see cref="Other"/>.
/// https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#clientCapabilities
/// </summary>
public sealed record ClientCapabilities
{
    [JsonPropertyName("window")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WindowClientCapabilities? Window { get; init; }

    [JsonPropertyName("textDocument")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TextDocumentClientCapabilities? TextDocument { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>window.* client capabilities. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#clientCapabilities</summary>
public sealed record WindowClientCapabilities
{
    [JsonPropertyName("workDoneProgress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? WorkDoneProgress { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>textDocument.* client capabilities. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentClientCapabilities</summary>
public sealed record TextDocumentClientCapabilities
{
    [JsonPropertyName("inlineCompletion")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InlineCompletionClientCapabilities? InlineCompletion { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; init; }
}

/// <summary>textDocument.inlineCompletion client capability. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionClientCapabilities</summary>
public sealed record InlineCompletionClientCapabilities
{
    [JsonPropertyName("dynamicRegistration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DynamicRegistration { get; init; }
}

/// <summary>initialize response. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#initializeResult</summary>
public sealed record InitializeResult
{
    [JsonPropertyName("capabilities")]
    public required ServerCapabilities Capabilities { get; init; }

    [JsonPropertyName("serverInfo")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ServerInfo? ServerInfo { get; init; }
}

/// <summary>Who the server is. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#initializeResult</summary>
public sealed record ServerInfo
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Version { get; init; }
}

/// <summary>What this server offers. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#serverCapabilities</summary>
public sealed record ServerCapabilities
{
    [JsonPropertyName("textDocumentSync")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TextDocumentSyncOptions? TextDocumentSync { get; init; }

    [JsonPropertyName("inlineCompletionProvider")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InlineCompletionOptions? InlineCompletionProvider { get; init; }

    [JsonPropertyName("codeActionProvider")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CodeActionOptions? CodeActionProvider { get; init; }

    [JsonPropertyName("executeCommandProvider")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ExecuteCommandOptions? ExecuteCommandProvider { get; init; }
}

/// <summary>Commands the server executes. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#executeCommandOptions</summary>
public sealed record ExecuteCommandOptions
{
    [JsonPropertyName("commands")]
    public required IReadOnlyList<string> Commands { get; init; }
}

/// <summary>How documents are synchronized. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#textDocumentSyncOptions</summary>
public sealed record TextDocumentSyncOptions
{
    [JsonPropertyName("openClose")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? OpenClose { get; init; }

    [JsonPropertyName("change")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TextDocumentSyncKind? Change { get; init; }

    [JsonPropertyName("save")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SaveOptions? Save { get; init; }
}

/// <summary>didSave options. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#saveOptions</summary>
public sealed record SaveOptions
{
    [JsonPropertyName("includeText")]
    public bool IncludeText { get; init; }
}

/// <summary>Inline completion provider options. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#inlineCompletionOptions</summary>
public sealed record InlineCompletionOptions
{
    [JsonPropertyName("workDoneProgress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? WorkDoneProgress { get; init; }
}

/// <summary>$/setTrace. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#setTrace</summary>
public sealed record SetTraceParams
{
    /// <summary>"off" | "messages" | "verbose".</summary>
    [JsonPropertyName("value")]
    public string Value { get; init; } = "off";
}

/// <summary>$/cancelRequest. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#cancelRequest</summary>
public sealed record CancelParams
{
    [JsonPropertyName("id")]
    public IntegerOrString Id { get; init; }
}
