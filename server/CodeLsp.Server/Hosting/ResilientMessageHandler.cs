using System.Collections.Concurrent;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;
using Serilog;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// Wraps StreamJsonRpc's message handler so that one bad message never ends the connection:
/// <list type="bullet">
/// <item>a message that is well-formed JSON but that the formatter cannot read is logged and skipped;</item>
/// <item>a response whose id matches no request this server sent (a client bug, or a reply meant for an earlier server
/// process) is logged and ignored, as LSP asks; StreamJsonRpc would end the connection on it.</item>
/// </list>
/// Frames and envelopes are already checked by <see cref="IncomingFrameFilter"/>, so the inner reader is always at a frame boundary here.
/// </summary>
internal sealed class ResilientMessageHandler(HeaderDelimitedMessageHandler inner, ILogger logger)
    : IJsonRpcMessageHandler, IJsonRpcMessageBufferManager, Microsoft.VisualStudio.Threading.IAsyncDisposable
{
    // Skipping is for a bad message now and then; a reader that fails every time is broken, and the connection should end.
    private const int MaxConsecutiveFailures = 100;
    private readonly ILogger _logger = logger.ForContext<ResilientMessageHandler>();
    private readonly ConcurrentDictionary<RequestId, byte> _outstanding = new();
    private int _consecutiveFailures;

    public bool CanRead => inner.CanRead;
    public bool CanWrite => inner.CanWrite;
    public IJsonRpcMessageFormatter Formatter => inner.Formatter;

    public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            JsonRpcMessage? message;
            try
            {
                message = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
                _consecutiveFailures = 0;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or ObjectDisposedException or IOException)
                && !cancellationToken.IsCancellationRequested
                && ++_consecutiveFailures <= MaxConsecutiveFailures)
            {
                _logger.Warning("Skipped a message that is not valid JSON-RPC: {Message}", ex.Message);
                continue;
            }

            if (ResponseId(message) is { } id && !_outstanding.TryRemove(id, out _))
            {
                _logger.Warning("Ignored a response to request {Id:l}, which this server did not send or was already answered", id.ToString());
                ((IJsonRpcMessageBufferManager)inner).DeserializationComplete(message!);
                continue;
            }
            return message;
        }
    }

    public ValueTask WriteAsync(JsonRpcMessage jsonRpcMessage, CancellationToken cancellationToken)
    {
        // Noted before the write: the client's response can arrive before WriteAsync returns.
        if (jsonRpcMessage is JsonRpcRequest { RequestId: { IsEmpty: false } id })
        {
            _outstanding.TryAdd(id, 0);
        }
        return inner.WriteAsync(jsonRpcMessage, cancellationToken);
    }

    public void DeserializationComplete(JsonRpcMessage message) =>
        ((IJsonRpcMessageBufferManager)inner).DeserializationComplete(message);

    public Task DisposeAsync() => inner.DisposeAsync();

    private static RequestId? ResponseId(JsonRpcMessage? message) => message switch
    {
        JsonRpcResult result => result.RequestId,
        JsonRpcError { RequestId: { IsEmpty: false } errorId } => errorId,
        JsonRpcError => RequestId.Null,
        _ => null,
    };
}
