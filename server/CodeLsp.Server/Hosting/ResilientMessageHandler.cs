using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;
using Serilog;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// Wraps StreamJsonRpc's message handler so that a message that is well-formed JSON but not a JSON-RPC message
/// (the formatter throws) is logged and skipped instead of closing the connection. Frames and JSON syntax are
/// already checked by <see cref="IncomingFrameFilter"/>, so the inner reader is always at a frame boundary here.
/// </summary>
internal sealed class ResilientMessageHandler(HeaderDelimitedMessageHandler inner, ILogger logger)
    : IJsonRpcMessageHandler, IJsonRpcMessageBufferManager, Microsoft.VisualStudio.Threading.IAsyncDisposable
{
    private readonly ILogger _logger = logger.ForContext<ResilientMessageHandler>();

    public bool CanRead => inner.CanRead;
    public bool CanWrite => inner.CanWrite;
    public IJsonRpcMessageFormatter Formatter => inner.Formatter;

    public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not ObjectDisposedException && !cancellationToken.IsCancellationRequested
                && ex is System.Text.Json.JsonException or FormatException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                _logger.Warning("Skipped a message that is not valid JSON-RPC: {Message}", ex.Message);
            }
        }
    }

    public ValueTask WriteAsync(JsonRpcMessage jsonRpcMessage, CancellationToken cancellationToken) =>
        inner.WriteAsync(jsonRpcMessage, cancellationToken);

    public void DeserializationComplete(JsonRpcMessage message) =>
        ((IJsonRpcMessageBufferManager)inner).DeserializationComplete(message);

    public Task DisposeAsync() => inner.DisposeAsync();
}
