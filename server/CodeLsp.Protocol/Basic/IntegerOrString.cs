using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>
/// The LSP's <c>integer | string</c> (progress tokens, request ids).
/// https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#progress
/// </summary>
[JsonConverter(typeof(IntegerOrStringConverter))]
public readonly record struct IntegerOrString
{
    public IntegerOrString(long value) => Integer = value;
    public IntegerOrString(string value) => String = value;

    public long? Integer { get; }
    public string? String { get; }

    public static implicit operator IntegerOrString(long value) => new(value);
    public static implicit operator IntegerOrString(string value) => new(value);

    public override string ToString() => String ?? Integer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

internal sealed class IntegerOrStringConverter : JsonConverter<IntegerOrString>
{
    public override IntegerOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => new IntegerOrString(reader.GetInt64()),
            JsonTokenType.String => new IntegerOrString(reader.GetString()!),
            _ => throw new JsonException($"Expected an integer or a string, found {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, IntegerOrString value, JsonSerializerOptions options)
    {
        if (value.String is { } s) writer.WriteStringValue(s);
        else writer.WriteNumberValue(value.Integer ?? 0);
    }
}
