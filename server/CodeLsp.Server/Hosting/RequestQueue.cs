using System.Threading.Channels;
using CodeLsp.Server.Handlers;
using Serilog;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// Orders all work the client asks for (the same contract as Roslyn's request execution queue):
/// <list type="bullet">
/// <item>Items are enqueued synchronously, in arrival order: StreamJsonRpc's default
/// <c>NonConcurrentSynchronizationContext</c> invokes our method targets one at a time in the order the messages were read,
/// and <see cref="Enqueue{TResult}"/> writes to the channel before the target returns.</item>
/// <item>One loop takes items in that order. A <see cref="MethodMode.Mutating"/> item (didOpen, didChange, didClose, didSave,
/// didChangeConfiguration, and the lifecycle methods) runs to completion before the loop takes the next item:
/// mutations apply strictly one at a time, in order.</item>
/// <item>A <see cref="MethodMode.ReadOnly"/> item is started by the loop, so only after every mutation that arrived before it,
/// with the immutable snapshot of that moment. The loop does not wait for it: read-only items run concurrently with each other
/// and with later mutations, which they cannot see (the snapshot never changes), so none sees a half-applied edit.</item>
/// <item>An item whose request was cancelled while queued is skipped and answers RequestCancelled.
/// A failing item fails only its own request (or is logged, for a notification); the loop lives on.</item>
/// </list>
/// </summary>
internal sealed class RequestQueue : IAsyncDisposable
{
    private readonly Channel<WorkItem> _items = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<string, RequestContext> _snapshot;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public RequestQueue(Func<string, RequestContext> snapshot, ILogger logger)
    {
        _snapshot = snapshot;
        _logger = logger.ForContext<RequestQueue>();
        _loop = Task.Run(ProcessAsync);
    }

    /// <summary>Queues one item; must be called on StreamJsonRpc's dispatch thread so queue order is arrival order.</summary>
    public Task<TResult> Enqueue<TResult>(
        string method,
        MethodMode mode,
        Func<RequestContext, CancellationToken, Task<TResult>> run,
        CancellationToken cancellationToken)
    {
        var item = new WorkItem<TResult>(method, mode, run, cancellationToken);
        if (!_items.Writer.TryWrite(item))
        {
            item.Completion.TrySetCanceled(CancellationToken.None);
        }
        return item.Completion.Task;
    }

    private async Task ProcessAsync()
    {
        try
        {
            await foreach (var item in _items.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (item.CancellationToken.IsCancellationRequested)
                {
                    item.Cancel();
                    continue;
                }

                var context = _snapshot(item.Method);
                if (item.Mode == MethodMode.Mutating)
                {
                    await item.RunAsync(context, _logger).ConfigureAwait(false);
                }
                else
                {
                    // Task.Run: a handler's synchronous prologue must not hold up the mutations queued behind it.
                    _ = Task.Run(() => item.RunAsync(context, _logger));
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _items.Writer.TryComplete();
        _stopping.Cancel();
        await _loop.ConfigureAwait(false);
        while (_items.Reader.TryRead(out var item))
        {
            item.Cancel();
        }
        _stopping.Dispose();
    }

    private abstract class WorkItem(string method, MethodMode mode, CancellationToken cancellationToken)
    {
        public string Method { get; } = method;
        public MethodMode Mode { get; } = mode;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public abstract Task RunAsync(RequestContext context, ILogger logger);
        public abstract void Cancel();
    }

    private sealed class WorkItem<TResult>(
        string method,
        MethodMode mode,
        Func<RequestContext, CancellationToken, Task<TResult>> run,
        CancellationToken cancellationToken) : WorkItem(method, mode, cancellationToken)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Cancel() => Completion.TrySetCanceled(CancellationToken);

        public override async Task RunAsync(RequestContext context, ILogger logger)
        {
            try
            {
                var result = await run(context, CancellationToken).ConfigureAwait(false);
                Completion.TrySetResult(result);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                logger.Debug("{Method} cancelled", Method);
                Completion.TrySetCanceled(CancellationToken);
            }
            catch (LocalRpcException ex)
            {
                logger.Warning("{Method} answered error {Code}: {Message}", Method, ex.ErrorCode, ex.Message);
                Completion.TrySetException(ex);
            }
            catch (Exception ex)
            {
                logger.Error(ex, "{Method} failed", Method);
                Completion.TrySetException(ex);
            }
        }
    }
}
