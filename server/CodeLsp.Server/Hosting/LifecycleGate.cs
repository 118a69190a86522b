using CodeLsp.Protocol;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// The LSP lifecycle (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/#lifeCycleMessages),
/// checked when a message arrives, before it is queued: requests before initialize answer ServerNotInitialized,
/// requests after shutdown answer InvalidRequest, notifications at those times are dropped (exit is always let through).
/// </summary>
internal sealed class LifecycleGate
{
    private const int NotInitialized = 0, Running = 1, ShuttingDown = 2;
    private int _state;

    public bool ShutdownRequested => Volatile.Read(ref _state) == ShuttingDown;

    /// <summary>Throws the error the request must answer with, or moves the state on for initialize/shutdown.</summary>
    public void AdmitRequest(string method)
    {
        if (method == Methods.Initialize)
        {
            if (Interlocked.CompareExchange(ref _state, Running, NotInitialized) != NotInitialized)
            {
                throw new LocalRpcException("initialize may be sent only once.") { ErrorCode = LspErrorCodes.InvalidRequest };
            }
            return;
        }

        switch (Volatile.Read(ref _state))
        {
            case NotInitialized:
                throw new LocalRpcException($"The server is not initialized; '{method}' must follow initialize.") { ErrorCode = LspErrorCodes.ServerNotInitialized };
            case ShuttingDown:
                throw new LocalRpcException($"The server is shutting down; '{method}' is not accepted after shutdown.") { ErrorCode = LspErrorCodes.InvalidRequest };
        }

        if (method == Methods.Shutdown)
        {
            Volatile.Write(ref _state, ShuttingDown);
        }
    }

    /// <summary>Whether a notification is processed now.</summary>
    public bool AdmitNotification(string method) =>
        method == Methods.Exit || Volatile.Read(ref _state) == Running;
}
