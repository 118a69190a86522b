using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>One request as the double received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => Body.Length == 0 ? default : JsonDocument.Parse(Body).RootElement.Clone();

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the double answers: one of the shapes below.</summary>
internal abstract record Reply;

/// <summary>A whole body with a status (and extra headers, e.g. Retry-After).</summary>
internal sealed record BodyReply(int Status, string Body, string ContentType = "application/json") : Reply
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>A 200 streamed in chunked encoding: each frame written as it is, <see cref="Delay"/> before each.</summary>
internal sealed record StreamReply(string ContentType, IReadOnlyList<string> Frames) : Reply
{
    public TimeSpan Delay { get; init; }

    /// <summary>Waited before the response headers (a slow server that has not started answering).</summary>
    public TimeSpan HeaderDelay { get; init; }
}

/// <summary>Never answers; waits until the client gives up and closes the connection.</summary>
internal sealed record HangReply : Reply;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (random port) over a raw socket, so it sees exactly what a real engine
/// sees: the request line, headers and body (recorded), keep-alive connections, and the moment a client closes the
/// connection in the middle of an answer (counted in <see cref="ClosedByClient"/>). Replies come from a function of
/// the request; the engine doubles supply the documented shapes.
/// </summary>
internal sealed class HttpDouble : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RecordedRequest, Reply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<TimeSpan> _serviceTimes = new();
    private readonly Task _accepting;
    private int _closedByClient;
    private int _connections;
    private int _inFlight;

    public HttpDouble(Func<RecordedRequest, Reply> reply)
    {
        _reply = reply;
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = Task.Run(AcceptAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>Time from a request's last byte read to its answer's last byte written, per answered request.</summary>
    public IReadOnlyList<TimeSpan> ServiceTimes => _serviceTimes.ToList();

    /// <summary>Answers the client abandoned by closing the connection before their end.</summary>
    public int ClosedByClient => Volatile.Read(ref _closedByClient);

    /// <summary>TCP connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests being answered now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Waits until <paramref name="condition"/> holds (the double works on its own threads); false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilAsync(Func<HttpDouble, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(this))
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(5).ConfigureAwait(false);
        }
        return true;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new ConnectionReader(stream);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var request = await reader.ReadRequestAsync(_stop.Token).ConfigureAwait(false);
                    if (request is null) return;
                    _requests.Enqueue(request);
                    var clock = Stopwatch.StartNew();
                    Interlocked.Increment(ref _inFlight);
                    bool completed;
                    try
                    {
                        completed = await AnswerAsync(stream, reader, ReplyTo(request)).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _inFlight);
                    }
                    if (!completed)
                    {
                        Interlocked.Increment(ref _closedByClient);
                        return;
                    }
                    _serviceTimes.Enqueue(clock.Elapsed);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>The scripted reply; a double that throws answers 500 with the exception, so a test shows the double's own bug.</summary>
    private Reply ReplyTo(RecordedRequest request)
    {
        try
        {
            return _reply(request);
        }
        catch (Exception ex)
        {
            return new BodyReply(500, JsonSerializer.Serialize(new { error = new { message = "double failed: " + ex, type = "double_error", code = 500 } }));
        }
    }

    /// <summary>Writes the reply; false when the client closed the connection before its end.</summary>
    private async Task<bool> AnswerAsync(NetworkStream stream, ConnectionReader reader, Reply reply)
    {
        var gone = reader.WaitForCloseAsync();
        switch (reply)
        {
            case HangReply:
                await Task.WhenAny(gone, Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => false, TaskScheduler.Default)).ConfigureAwait(false);
                return false;

            case BodyReply body:
            {
                var bytes = Encoding.UTF8.GetBytes(body.Body);
                var head = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {body.Status} {Reason(body.Status)}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"Content-Type: {body.ContentType}\r\n")
                    .Append(CultureInfo.InvariantCulture, $"Content-Length: {bytes.Length}\r\n");
                foreach (var (name, value) in body.Headers) head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
                head.Append("\r\n");
                return await WriteAsync(stream, [.. Encoding.ASCII.GetBytes(head.ToString()), .. bytes], gone).ConfigureAwait(false);
            }

            case StreamReply streamed:
            {
                if (streamed.HeaderDelay > TimeSpan.Zero && await ClosedDuring(streamed.HeaderDelay, gone).ConfigureAwait(false)) return false;
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: {streamed.ContentType}\r\nTransfer-Encoding: chunked\r\n\r\n";
                if (!await WriteAsync(stream, Encoding.ASCII.GetBytes(head), gone).ConfigureAwait(false)) return false;
                foreach (var frame in streamed.Frames)
                {
                    if (streamed.Delay > TimeSpan.Zero && await ClosedDuring(streamed.Delay, gone).ConfigureAwait(false)) return false;
                    var data = Encoding.UTF8.GetBytes(frame);
                    var chunk = Encoding.ASCII.GetBytes($"{data.Length:x}\r\n").Concat(data).Concat("\r\n"u8.ToArray()).ToArray();
                    if (!await WriteAsync(stream, chunk, gone).ConfigureAwait(false)) return false;
                }
                return await WriteAsync(stream, "0\r\n\r\n"u8.ToArray(), gone).ConfigureAwait(false);
            }

            default:
                throw new InvalidOperationException(reply.GetType().Name);
        }
    }

    private static async Task<bool> ClosedDuring(TimeSpan delay, Task<bool> gone)
    {
        var finished = await Task.WhenAny(gone, Task.Delay(delay)).ConfigureAwait(false);
        return finished == gone && gone.Result;
    }

    private static async Task<bool> WriteAsync(NetworkStream stream, byte[] bytes, Task<bool> gone)
    {
        if (gone.IsCompleted && gone.Result) return false;
        try
        {
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>
    /// Reads requests off one connection. While an answer is written, a read stays pending so the double notices the
    /// client closing the connection; bytes it gets (the next keep-alive request) are kept for the next request.
    /// </summary>
    private sealed class ConnectionReader(NetworkStream stream)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private Task<int>? _pending;

        public Task<bool> WaitForCloseAsync()
        {
            _pending ??= StartRead();
            return _pending.ContinueWith(t => t.IsFaulted || t.IsCanceled || t.Result == 0, TaskScheduler.Default);
        }

        public async Task<RecordedRequest?> ReadRequestAsync(CancellationToken cancellationToken)
        {
            int headerEnd;
            while ((headerEnd = IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0) return null;
            }
            var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
            _start = headerEnd + 4;
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            var length = headers.TryGetValue("Content-Length", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 0;
            while (_end - _start < length)
            {
                if (await FillAsync(cancellationToken).ConfigureAwait(false) == 0) return null;
            }
            var body = Encoding.UTF8.GetString(_buffer, _start, length);
            _start += length;
            return new RecordedRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", headers, body);
        }

        private async Task<int> FillAsync(CancellationToken cancellationToken)
        {
            _pending ??= StartRead();
            int read;
            try
            {
                read = await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                read = 0;
            }
            _pending = null;
            _end += read;
            return read;
        }

        private Task<int> StartRead()
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            return stream.ReadAsync(_buffer.AsMemory(_end)).AsTask();
        }

        private int IndexOf(ReadOnlySpan<byte> pattern)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(pattern);
            return at < 0 ? -1 : _start + at;
        }
    }
}
