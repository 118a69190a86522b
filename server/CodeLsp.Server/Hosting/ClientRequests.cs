using CodeLsp.Protocol;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// Requests and notifications the server sends to the client (applyEdit, showMessageRequest, showDocument, progress).
/// Set once the connection exists; a handler that needs the client goes through this, never through JsonRpc directly.
/// </summary>
internal sealed class ClientRequests(JsonRpc rpc)
{
    public Task<TResult> RequestAsync<TResult>(string method, object parameters, CancellationToken cancellationToken) =>
        rpc.InvokeWithParameterObjectAsync<TResult>(method, parameters, cancellationToken);

    public Task NotifyAsync(string method, object parameters) => rpc.NotifyWithParameterObjectAsync(method, parameters);

    public Task ProgressAsync(IntegerOrString token, WorkDoneProgress value) =>
        NotifyAsync(Methods.Progress, new ProgressParams { Token = token, Value = value });
}
