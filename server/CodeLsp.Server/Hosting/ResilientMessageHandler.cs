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
    // Skipping is for a bad message now and then; a reader that fails every time is broken, and the connection should end.
    private const int MaxConsecutiveFailures = 100;
    private readonly ILogger _logger = logger.ForContext<ResilientMessageHandler>();
    private int _consecutiveFailures;

    public bool CanRead => inner.CanRead;
    public bool CanWrite => inner.CanWrite;
    public IJsonRpcMessageFormatter Formatter => inner.Formatter;

    public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var message = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                _consecutiveFailures = 0;
                return message;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException or IOException)
                && !cancellationToken.IsCancellationRequested
                && ++_consecutiveFailures <= MaxConsecutiveFailures)
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
