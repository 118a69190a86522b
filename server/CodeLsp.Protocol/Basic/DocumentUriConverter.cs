using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Protocol;

/// <summary>
/// A document's URI (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#documentUri):
/// always absolute. A relative or unparsable one fails deserialization, so the request answers InvalidParams (a notification
/// is dropped and logged) instead of failing later inside a handler.
/// </summary>
public sealed class DocumentUriConverter : JsonConverter<Uri>
{
    public override Uri Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"A document URI must be a string, not {reader.TokenType}.");
        var text = reader.GetString();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) throw new JsonException($"'{Truncate(text)}' is not an absolute document URI.");
        return uri;
    }

    public override void Write(Utf8JsonWriter writer, Uri value, JsonSerializerOptions options) => writer.WriteStringValue(value.OriginalString);

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 100 ? text : text[..100] + "…";
}
