using CodeLsp.Inference.Engines;

namespace CodeLsp.Inference.Chat;

/// <summary>
/// Who may run the model's next native step. One holder at a time; when the gate is released, a waiting
/// <see cref="WorkPriority.Interactive"/> request always goes before a waiting <see cref="WorkPriority.Background"/> one.
/// Background work takes the gate for one decode step at a time, so a keystroke completion that arrives during an
/// AI action waits for at most one step of it, never for the whole action.
/// </summary>
internal sealed class PriorityGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _interactive = new();
    private readonly LinkedList<TaskCompletionSource> _background = new();
    private bool _held;

    /// <summary>Interactive requests waiting now (tests and benchmarks read it).</summary>
    public int InteractiveWaiting
    {
        get { lock (_lock) return _interactive.Count; }
    }

    /// <summary>Waits for the gate; dispose the result to release it. A cancelled wait never holds the gate.</summary>
    public async ValueTask<Releaser> EnterAsync(WorkPriority priority, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Background work also waits when interactive work is queued, even if the gate is free for a moment.
            if (!_held && (priority == WorkPriority.Interactive || _interactive.Count == 0))
            {
                _held = true;
                return new Releaser(this);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = (priority == WorkPriority.Interactive ? _interactive : _background).AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Abandon(node)))
        {
            await waiter.Task.ConfigureAwait(false);
        }

        return new Releaser(this);
    }

    private void Abandon(LinkedListNode<TaskCompletionSource> node)
    {
        lock (_lock)
        {
            // Only a waiter still in its queue can be abandoned; one already granted the gate keeps it.
            if (node.List is null)
            {
                return;
            }

            node.List.Remove(node);
            node.Value.TrySetCanceled();
        }
    }

    private void Release()
    {
        TaskCompletionSource? next;
        lock (_lock)
        {
            var queue = _interactive.Count > 0 ? _interactive : _background.Count > 0 ? _background : null;
            if (queue is null)
            {
                _held = false;
                return;
            }

            next = queue.First!.Value;
            queue.RemoveFirst();
        }

        // The gate passes straight to the next holder (_held stays true).
        next.TrySetResult();
    }

    public readonly struct Releaser(PriorityGate gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
