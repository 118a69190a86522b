using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>Reads newline-delimited JSON (Ollama's streams) one object at a time, as it arrives; blank lines are skipped.</summary>
internal static class NdjsonReader
{
    public static async IAsyncEnumerable<JsonElement> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }
}
