using System.Runtime.CompilerServices;
using System.Text;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>One server-sent event: <see cref="Field"/> is <c>data</c>, or <c>error</c> for the error field of older llama-server builds.</summary>
internal readonly record struct SseEvent(string Field, string Data)
{
    public bool IsDone => Field == "data" && Data.Trim() == "[DONE]";

    public bool IsErrorField => Field == "error";
}

/// <summary>
/// Reads a <c>text/event-stream</c> incrementally (ENGINES.md §9): events end at a blank line; <c>data:</c> with or
/// without a space; <c>:</c> comment lines (pings) and <c>event:</c>/<c>id:</c>/<c>retry:</c> lines are skipped;
/// <c>error:</c> is kept as its own field. Ends at <c>[DONE]</c> (yielded) or at the end of the stream.
/// </summary>
internal static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var data = new StringBuilder();
        string? field = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null || line.Length == 0)
            {
                if (field is not null)
                {
                    var item = new SseEvent(field, data.ToString());
                    data.Clear();
                    field = null;
                    yield return item;
                    if (item.IsDone) yield break;
                }
                if (line is null) yield break;
                continue;
            }
            if (line[0] == ':') continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            if (name is not ("data" or "error")) continue;
            if (field is not null && field != name)
            {
                // A field change without a blank line between: deliver what came before.
                yield return new SseEvent(field, data.ToString());
                data.Clear();
            }
            if (field == name) data.Append('\n');
            field = name;
            data.Append(value);
        }
    }
}
