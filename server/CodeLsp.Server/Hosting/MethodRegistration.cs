using System.Reflection;
using System.Text.Json;
using CodeLsp.Server.Handlers;
using Serilog;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>One row of <see cref="MethodTable"/>: binds an LSP method name, its mode and its handler to StreamJsonRpc.</summary>
internal abstract record MethodRegistration(string Method, MethodMode Mode)
{
    public abstract void AddTo(JsonRpc rpc, RequestQueue queue, LifecycleGate lifecycle, ILogger logger);

    protected static JsonRpcMethodAttribute Attribute(string method) => new(method) { UseSingleObjectParameterDeserialization = true };

    /// <summary>Methods whose params the spec leaves out (initialized, shutdown, exit) take <c>JsonElement?</c>; all others need params.</summary>
    protected static bool ParamsRequired<TParams>() => typeof(TParams) != typeof(JsonElement?);

    protected static MethodInfo Target(object entry) =>
        entry.GetType().GetMethod("InvokeAsync", BindingFlags.Public | BindingFlags.Instance)!;
}

internal sealed record RequestRegistration<TParams, TResult>(string Method, MethodMode Mode, IRequestHandler<TParams, TResult> Handler)
    : MethodRegistration(Method, Mode)
{
    public override void AddTo(JsonRpc rpc, RequestQueue queue, LifecycleGate lifecycle, ILogger logger)
    {
        var entry = new Entry(this, queue, lifecycle);
        rpc.AddLocalRpcMethod(Target(entry), entry, Attribute(Method));
    }

    /// <summary>The object StreamJsonRpc invokes; public only because reflection binds to it.</summary>
    public sealed class Entry(RequestRegistration<TParams, TResult> registration, RequestQueue queue, LifecycleGate lifecycle)
    {
        // Runs on StreamJsonRpc's ordered dispatch: the gate check and the enqueue happen in arrival order.
        public Task<TResult> InvokeAsync(TParams? @params = default, CancellationToken cancellationToken = default)
        {
            lifecycle.AdmitRequest(registration.Method);
            if (@params is null && ParamsRequired<TParams>())
            {
                throw new LocalRpcException($"'{registration.Method}' needs params.") { ErrorCode = Protocol.LspErrorCodes.InvalidParams };
            }
            return queue.Enqueue(
                registration.Method,
                registration.Mode,
                (context, ct) => registration.Handler.HandleAsync(@params!, context, ct),
                cancellationToken);
        }
    }
}

internal sealed record NotificationRegistration<TParams>(string Method, MethodMode Mode, INotificationHandler<TParams> Handler)
    : MethodRegistration(Method, Mode)
{
    public override void AddTo(JsonRpc rpc, RequestQueue queue, LifecycleGate lifecycle, ILogger logger)
    {
        var entry = new Entry(this, queue, lifecycle, logger);
        rpc.AddLocalRpcMethod(Target(entry), entry, Attribute(Method));
    }

    public sealed class Entry(NotificationRegistration<TParams> registration, RequestQueue queue, LifecycleGate lifecycle, ILogger logger)
    {
        public void InvokeAsync(TParams? @params = default)
        {
            if (!lifecycle.AdmitNotification(registration.Method))
            {
                logger.Debug("Dropped {Method}: not accepted in the current lifecycle state", registration.Method);
                return;
            }
            if (@params is null && ParamsRequired<TParams>())
            {
                logger.Warning("Dropped {Method}: no params", registration.Method);
                return;
            }
            // Failures are logged by the queue; nobody awaits a notification.
            _ = queue.Enqueue<bool>(
                registration.Method,
                registration.Mode,
                async (context, ct) =>
                {
                    await registration.Handler.HandleAsync(@params!, context, ct).ConfigureAwait(false);
                    return true;
                },
                CancellationToken.None);
        }
    }
}
