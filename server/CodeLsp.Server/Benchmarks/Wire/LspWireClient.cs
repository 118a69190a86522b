using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeLsp.Server.Benchmarks.Wire;

/// <summary>
/// A raw LSP client for benchmarks that must control every byte (fuzzing, load): it writes frames or arbitrary bytes,
/// reads the server's frames on its own loop, matches responses to requests by the id's JSON text, answers the
/// server's own requests (window/workDoneProgress/create) with null, and keeps the server's notifications and any
/// error answered with id null. No StreamJsonRpc on this side, so nothing here ever "fixes" what the server sends.
/// </summary>
internal sealed class LspWireClient : IAsyncDisposable
{
    private readonly Stream _toServer;
    private readonly Stream _fromServer;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private long _nextId;

    public LspWireClient(Stream toServer, Stream fromServer)
    {
        _toServer = toServer;
        _fromServer = fromServer;
        _reading = Task.Run(ReadLoopAsync);
    }

    /// <summary>Notifications the server sent, in arrival order.</summary>
    public ConcurrentQueue<JsonElement> Notifications { get; } = new();

    /// <summary>Error responses with id null (answers to messages whose id could not be read).</summary>
    public ConcurrentQueue<JsonElement> NullIdErrors { get; } = new();

    /// <summary>Responses whose id matched no request of ours (should stay empty).</summary>
    public ConcurrentQueue<JsonElement> UnmatchedResponses { get; } = new();

    /// <summary>Frames from the server that could not be parsed (should stay empty).</summary>
    public int MalformedFrames { get; private set; }

    /// <summary>Completes when the server's output ends.</summary>
    public Task Closed => _reading;

    public long NextId() => Interlocked.Increment(ref _nextId);

    /// <summary>Waits for a notification from the server that satisfies <paramref name="match"/> (already received ones count).</summary>
    public async Task<JsonElement> WaitForNotificationAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var message in Notifications)
            {
                if (match(message)) return message;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The server did not send the notification awaited");
            if (_reading.IsCompleted) throw new IOException("The server's output ended");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request with a fresh numeric id; the task completes with the whole response message.</summary>
    public Task<JsonElement> RequestAsync(string method, object? @params) =>
        RequestWithIdAsync(NextId().ToString(CultureInfo.InvariantCulture), id => Message(method, @params, id));

    /// <summary>
    /// Sends a request whose id's JSON text is <paramref name="idJson"/> (a number or a quoted string); <paramref name="body"/>
    /// builds the message text from that id, so it may be as odd as the caller likes.
    /// </summary>
    public async Task<JsonElement> RequestWithIdAsync(string idJson, Func<string, string> body)
    {
        var answered = Expect(idJson);
        await SendFrameAsync(body(idJson)).ConfigureAwait(false);
        return await answered.ConfigureAwait(false);
    }

    /// <summary>Registers interest in an answer to an id without sending anything (for requests written as raw bytes).</summary>
    public Task<JsonElement> Expect(string idJson)
    {
        var answered = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var id = JsonDocument.Parse(idJson);
        if (!_pending.TryAdd(Key(id.RootElement), answered)) throw new InvalidOperationException($"id {idJson} is already in flight");
        return answered.Task;
    }

    public Task NotifyAsync(string method, object? @params) => SendFrameAsync(Message(method, @params, null));

    public Task SendFrameAsync(string json) => SendRawAsync(Frame(Encoding.UTF8.GetBytes(json)));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            await _toServer.WriteAsync(bytes).ConfigureAwait(false);
            await _toServer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    public static byte[] Frame(ReadOnlySpan<byte> body) =>
        [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];

    public static string Message(string method, object? @params, string? idJson)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0" };
        if (idJson is not null) message["id"] = JsonNode.Parse(idJson);
        message["method"] = method;
        if (@params is not null) message["params"] = JsonSerializer.SerializeToNode(@params, Protocol.LspJson.Options);
        return message.ToJsonString();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await _fromServer.ReadAsync(chunk, _stop.Token).ConfigureAwait(false);
                if (read == 0) break;
                buffer.Write(chunk.AsSpan(0, read));
                var consumed = ParseFrames(buffer.WrittenMemory);
                if (consumed > 0)
                {
                    var rest = buffer.WrittenSpan[consumed..].ToArray();
                    buffer.Clear();
                    buffer.Write(rest);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            foreach (var pending in _pending.Values) pending.TrySetException(new IOException("The server's output ended before it answered"));
        }
    }

    /// <summary>Dispatches every complete frame; returns the bytes consumed.</summary>
    private int ParseFrames(ReadOnlyMemory<byte> data)
    {
        var consumed = 0;
        while (true)
        {
            var span = data.Span[consumed..];
            var headerEnd = span.IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0) return consumed;
            var header = Encoding.ASCII.GetString(span[..headerEnd]);
            var length = -1;
            foreach (var line in header.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim(), CultureInfo.InvariantCulture);
            }
            if (length < 0)
            {
                MalformedFrames++;
                consumed += headerEnd + 4;
                continue;
            }
            if (span.Length < headerEnd + 4 + length) return consumed;
            Dispatch(data.Slice(consumed + headerEnd + 4, length));
            consumed += headerEnd + 4 + length;
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> body)
    {
        JsonElement message;
        try
        {
            using var document = JsonDocument.Parse(body);
            message = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            MalformedFrames++;
            return;
        }

        var hasId = message.TryGetProperty("id", out var id);
        if (message.TryGetProperty("method", out var method))
        {
            if (hasId)
            {
                // The server asks something of the client (workDoneProgress/create): answer null so it goes on.
                _ = SendFrameAsync($"{{\"jsonrpc\":\"2.0\",\"id\":{id.GetRawText()},\"result\":null}}");
            }
            else
            {
                Notifications.Enqueue(message);
            }
            return;
        }
        if (!hasId || id.ValueKind == JsonValueKind.Null)
        {
            NullIdErrors.Enqueue(message);
            return;
        }
        if (_pending.TryRemove(Key(id), out var waiting))
        {
            waiting.TrySetResult(message);
        }
        else
        {
            UnmatchedResponses.Enqueue(message);
        }
    }

    /// <summary>Ids compare by value: "a" and "\u0061" are one id, 7 and 7.0 are not (the server echoes what it read).</summary>
    private static string Key(JsonElement id) =>
        id.ValueKind == JsonValueKind.String ? "s:" + id.GetString() : "n:" + id.GetRawText();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
        _writing.Dispose();
    }
}
