using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serilog;

namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// The HTTP side of a remote engine: one pooled client per engine, JSON requests with the key header only when a
/// key is configured, and failures mapped by <see cref="EngineErrors"/>. Responses are returned once their headers
/// arrive, so bodies stream. Disposing a response before its end closes the connection (no draining), which is how
/// the servers notice a cancelled request and stop generating (ENGINES.md §1.6, §2, §3).
/// </summary>
internal sealed class EngineHttp : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly RemoteEngineOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _client;

    public EngineHttp(RemoteEngineOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            MaxResponseDrainSize = 0,
            ResponseDrainTimeout = TimeSpan.Zero,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Requests sent (for tests and benchmarks).</summary>
    public int RequestsSent => Volatile.Read(ref _sent);

    private int _sent;

    public Task<HttpResponseMessage> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Json;
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, _options.Endpoint(path)) { Content = content }, path, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, _options.Endpoint(path)), path, cancellationToken);

    /// <summary>Reads a whole JSON body (a non-streamed answer, a probe).</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.Clone();
    }

    /// <summary>True when the body is a stream of events rather than one JSON document.</summary>
    public static bool IsEventStream(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is "text/event-stream";

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (_options.ApiKey is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Value);
            Interlocked.Increment(ref _sent);
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw EngineErrors.Unreachable(_options, ex);
            }
            if (EngineErrors.IsSuccess(response.StatusCode)) return response;
            using (response)
            {
                var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
                _logger.Debug("{Kind} engine answered /{Path} with {Status}: {Body}", _options.Kind, path, (int)response.StatusCode, body);
                throw EngineErrors.FromStatus(_options, path, (int)response.StatusCode, body, EngineErrors.RetryAfter(response));
            }
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0) read += n;
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return "";
        }
    }

    public void Dispose() => _client.Dispose();
}
