using System.Runtime.InteropServices;
using CodeLsp.Inference.Engines;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// Typing always wins on the completion context: the newest interactive completion is the one the user waits for.
/// Owns the order in which completions arrived, which interactive ones wait for the context, and which one runs.
/// A running interactive completion yields as soon as a newer interactive one waits: between decode steps
/// (<see cref="ShouldYield"/>), and inside a decode through llama.cpp's abort callback, which the graph checks
/// after every node, so a long prompt batch stops within milliseconds instead of holding every other document's
/// request for its whole length. Background completions (AI actions, next edits) are never preempted here.
/// </summary>
internal sealed class CompletionPreemption : IDisposable
{
    private const long None = long.MaxValue;

    // Called by llama.cpp's compute thread after each graph node; data points at the flag below.
    private static readonly AbortCallback s_callback = static data => Marshal.ReadInt32(data) != 0;
    private static readonly IntPtr s_callbackPointer = Marshal.GetFunctionPointerForDelegate(s_callback);

    private readonly Lock _lock = new();
    private readonly SortedSet<long> _waiting = [];
    private readonly IntPtr _flag = Marshal.AllocHGlobal(sizeof(int));
    private long _arrivals;
    private long _running = None;
    private bool _disposed;

    public CompletionPreemption() => Marshal.WriteInt32(_flag, 0);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    [return: MarshalAs(UnmanagedType.I1)]
    private delegate bool AbortCallback(IntPtr data);

    /// <summary>Interactive completions waiting for the context now (tests read it).</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiting.Count; }
    }

    /// <summary>Lets llama.cpp abort <paramref name="context"/>'s decode when a newer interactive completion waits.</summary>
    public void Attach(SafeLLamaContextHandle context) => NativeApi.llama_set_abort_callback(context, s_callbackPointer, _flag);

    /// <summary>A completion asks for the context; returns its place in the arrival order.</summary>
    public long Arrive(WorkPriority priority)
    {
        var ticket = Interlocked.Increment(ref _arrivals);
        if (priority == WorkPriority.Interactive)
        {
            lock (_lock)
            {
                _waiting.Add(ticket);
                Update();
            }
        }

        return ticket;
    }

    /// <summary>The completion got the context. Only an interactive one can be preempted.</summary>
    public void Start(long ticket, WorkPriority priority)
    {
        lock (_lock)
        {
            _waiting.Remove(ticket);
            _running = priority == WorkPriority.Interactive ? ticket : None;
            Update();
        }
    }

    /// <summary>A waiting completion was cancelled: it no longer counts as waiting.</summary>
    public void Withdraw(long ticket)
    {
        lock (_lock)
        {
            _waiting.Remove(ticket);
            Update();
        }
    }

    /// <summary>The completion ended, or stopped waiting.</summary>
    public void Leave(long ticket)
    {
        lock (_lock)
        {
            _waiting.Remove(ticket);
            if (_running == ticket)
            {
                _running = None;
            }

            Update();
        }
    }

    /// <summary>True when the running completion should give the context up: a newer interactive one waits.</summary>
    public bool ShouldYield => !_disposed && Marshal.ReadInt32(_flag) != 0;

    private void Update()
    {
        if (!_disposed)
        {
            Marshal.WriteInt32(_flag, _running != None && _waiting.Count > 0 && _waiting.Max > _running ? 1 : 0);
        }
    }

    /// <summary>Frees the flag; call after the context it was attached to is disposed.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Marshal.FreeHGlobal(_flag);
        }
    }
}

/// <summary>
/// A completion gave the model up to a newer interactive completion (typing always wins). Nobody waits for its
/// answer any more; the prompt batches it decoded stay in the KV cache.
/// </summary>
public sealed class CompletionPreemptedException() : OperationCanceledException("A newer completion request took the model.");
