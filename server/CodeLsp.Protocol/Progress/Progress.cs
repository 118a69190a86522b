using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>window/workDoneProgress/create. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_workDoneProgress_create</summary>
public sealed record WorkDoneProgressCreateParams
{
    [JsonPropertyName("token")]
    public IntegerOrString Token { get; init; }
}

/// <summary>$/progress carrying a work-done value. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#progress</summary>
public sealed record ProgressParams
{
    [JsonPropertyName("token")]
    public IntegerOrString Token { get; init; }

    [JsonPropertyName("value")]
    public required WorkDoneProgress Value { get; init; }
}

/// <summary>begin / report / end, told apart by "kind". https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workDoneProgress</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(WorkDoneProgressBegin), "begin")]
[JsonDerivedType(typeof(WorkDoneProgressReport), "report")]
[JsonDerivedType(typeof(WorkDoneProgressEnd), "end")]
public abstract record WorkDoneProgress
{
    [JsonPropertyName("message")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }
}

/// <summary>Starts a progress. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workDoneProgressBegin</summary>
public sealed record WorkDoneProgressBegin : WorkDoneProgress
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("cancellable")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Cancellable { get; init; }

    /// <summary>0..100.</summary>
    [JsonPropertyName("percentage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Percentage { get; init; }
}

/// <summary>Reports on a progress. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workDoneProgressReport</summary>
public sealed record WorkDoneProgressReport : WorkDoneProgress
{
    [JsonPropertyName("cancellable")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Cancellable { get; init; }

    [JsonPropertyName("percentage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Percentage { get; init; }
}

/// <summary>Ends a progress. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#workDoneProgressEnd</summary>
public sealed record WorkDoneProgressEnd : WorkDoneProgress;

/// <summary>window/workDoneProgress/cancel: the user cancelled a server-initiated progress. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#window_workDoneProgress_cancel</summary>
public sealed record WorkDoneProgressCancelParams
{
    [JsonPropertyName("token")]
    public IntegerOrString Token { get; init; }
}
