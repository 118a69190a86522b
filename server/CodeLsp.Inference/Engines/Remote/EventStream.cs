using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// The JSON objects of an answer, as they arrive, whatever its framing: an SSE stream (ending at <c>[DONE]</c>, at a
/// final native chunk the caller recognises, or at the end), NDJSON, or one plain JSON body (a server that ignored
/// <c>stream</c>). An error payload or <c>error:</c> field after the stream started becomes an
/// <see cref="EngineRequestException"/> (ENGINES.md §1.5, §2, §3).
/// </summary>
internal static class EventStream
{
    public static async IAsyncEnumerable<JsonElement> ReadAsync(HttpResponseMessage response, RemoteEngineOptions options, string path,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == "text/event-stream")
        {
            await foreach (var item in SseReader.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                if (item.IsDone) yield break;
                if (item.IsErrorField) throw EngineErrors.InStream(options, path, item.Data);
                yield return Checked(item.Data, options, path);
            }
        }
        else if (mediaType is "application/x-ndjson" or "application/jsonl" || options.Kind == EngineKinds.Ollama)
        {
            await foreach (var element in NdjsonReader.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                if (EngineErrors.ErrorMessage(element) is not null) throw EngineErrors.InStream(options, path, element.GetRawText());
                yield return element;
            }
        }
        else
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var element = document.RootElement.Clone();
            if (EngineErrors.ErrorMessage(element) is not null) throw EngineErrors.InStream(options, path, element.GetRawText());
            yield return element;
        }
    }

    private static JsonElement Checked(string data, RemoteEngineOptions options, string path)
    {
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(data);
            element = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw EngineErrors.InStream(options, path, data);
        }
        if (EngineErrors.ErrorMessage(element) is not null) throw EngineErrors.InStream(options, path, data);
        return element;
    }

    public static string? String(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static int? Int(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    public static bool? Bool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    public static JsonElement? Object(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>The first element of an array property (OpenAI's <c>choices[0]</c>).</summary>
    public static JsonElement? First(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 ? value[0] : null;
}
