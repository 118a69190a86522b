using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CodeLsp.Inference.Tests.Models;

/// <summary>
/// A small HTTP/1.1 file server on 127.0.0.1 (random port) for the pull tests, written on a raw socket so a test can
/// cut a response in the middle, turn range support off, or answer 404. Serves <see cref="Files"/> by path.
/// </summary>
internal sealed class LocalModelServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalModelServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Dictionary<string, byte[]> Files { get; } = [];

    /// <summary>False: every GET is answered 200 with the whole file, whatever its Range header says.</summary>
    public bool SupportsRange { get; set; } = true;

    /// <summary>The first this-many responses stop after <see cref="CutAfterBytes"/> body bytes and close the socket.</summary>
    public int CutResponses { get; set; }
    public int CutAfterBytes { get; set; }

    /// <summary>When set, every response stops after this many body bytes and then hangs, the connection open, until disposed.</summary>
    public int? HangAfterBytes { get; set; }

    /// <summary>Each request's path and Range header (null when none), in arrival order.</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    public Uri Url(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path.TrimStart('/')}");

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var (path, range, ifRange) = await ReadRequestAsync(stream);
                Requests.Enqueue((path, range));
                IfRanges.Enqueue(ifRange);
                if (!Files.TryGetValue(path, out var body))
                {
                    await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }

                long from = 0;
                var partial = false;
                var etag = ETagOf(body);
                // If-Range: the range only when the client's validator is the current one; else the whole new file.
                if (SupportsRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && (ifRange is null || ifRange == etag))
                {
                    from = long.Parse(range["bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
                    if (from >= body.Length)
                    {
                        await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{body.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }
                    partial = true;
                }
                var length = body.Length - from;
                var head = partial
                    ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{body.Length - 1}/{body.Length}\r\n"
                    : "HTTP/1.1 200 OK\r\n" + (SupportsRange ? "Accept-Ranges: bytes\r\n" : "");
                await WriteAsync(stream, head + $"ETag: {etag}\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");

                var send = length;
                if (CutResponses > 0)
                {
                    CutResponses--;
                    send = Math.Min(length, CutAfterBytes);
                }
                if (HangAfterBytes is { } hang && hang < send)
                {
                    await stream.WriteAsync(body.AsMemory((int)from, hang));
                    await stream.FlushAsync();
                    await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }
                await stream.WriteAsync(body.AsMemory((int)from, (int)send));
                // A cut response just closes early: the client sees fewer bytes than Content-Length promised.
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    /// <summary>Each request's If-Range header (null when none), in arrival order.</summary>
    public ConcurrentQueue<string?> IfRanges { get; } = new();

    /// <summary>A strong ETag from the content, as a real server derives one.</summary>
    public static string ETagOf(byte[] body) => "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..16] + "\"";

    private static async Task<(string Path, string? Range, string? IfRange)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(bytes) && await stream.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n");
        var path = Uri.UnescapeDataString(lines[0].Split(' ')[1].TrimStart('/'));
        string? Header(string name) => lines.Skip(1)
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim())
            .FirstOrDefault();
        return (path, Header("Range"), Header("If-Range"));
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
