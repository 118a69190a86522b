namespace CodeLsp.Server.Handlers;

/// <summary>Whether a method changes server state (runs alone, in order) or only reads a snapshot (runs concurrently).</summary>
internal enum MethodMode
{
    Mutating,
    ReadOnly,
}

/// <summary>A request: answers with a result or an error.</summary>
internal interface IRequestHandler<TParams, TResult>
{
    Task<TResult> HandleAsync(TParams request, RequestContext context, CancellationToken cancellationToken);
}

/// <summary>A notification: nothing is answered; a failure is logged and the server goes on.</summary>
internal interface INotificationHandler<TParams>
{
    Task HandleAsync(TParams notification, RequestContext context, CancellationToken cancellationToken);
}
