using System.Text.Json.Serialization;
using CodeLsp.Features.Actions;
using CodeLsp.Protocol;
using Range = CodeLsp.Protocol.Range;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>
/// The argument of the <c>codelsp.ai.run</c> command, as it travels in a code action:
/// <c>{"action":"fix","uri":"file:///…","version":12,"range":{…},"diagnosticId":"CS1503"}</c>.
/// </summary>
internal sealed record AiRunArguments
{
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    [JsonPropertyName("uri")]
    public required Uri Uri { get; init; }

    [JsonPropertyName("version")]
    public int Version { get; init; }

    [JsonPropertyName("range")]
    public required Range Range { get; init; }

    [JsonPropertyName("diagnosticId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DiagnosticId { get; init; }

    public static AiRunArguments From(AiActionArguments arguments) => new()
    {
        Action = AiActionNames.Name(arguments.Action),
        Uri = arguments.Uri,
        Version = arguments.Version,
        Range = ProtocolConversions.ToRange(arguments.Range),
        DiagnosticId = arguments.DiagnosticId,
    };

    public AiActionArguments? ToDomain() => AiActionNames.Parse(Action) is { } kind
        ? new AiActionArguments(kind, Uri, Version, ProtocolConversions.ToLinePositionSpan(Range)) { DiagnosticId = DiagnosticId }
        : null;
}

/// <summary>What <c>codelsp.ai.run</c> answers: whether the edit was applied, and if not why.</summary>
internal sealed record AiRunResult
{
    [JsonPropertyName("applied")]
    public bool Applied { get; init; }

    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}
