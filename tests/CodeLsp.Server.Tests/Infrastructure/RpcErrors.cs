using StreamJsonRpc;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>
/// StreamJsonRpc's client raises different exception types by error code (InvalidParams comes back as
/// RemoteMethodNotFoundException); tests care about the code the server sent.
/// </summary>
internal static class RpcErrors
{
    public static async Task<(int Code, string Message)> CatchAsync(Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(action);
        return error switch
        {
            RemoteInvocationException invocation => (invocation.ErrorCode, invocation.Message),
            RemoteMethodNotFoundException notFound => ((int)notFound.ErrorCode, notFound.Message),
            _ => throw new Xunit.Sdk.XunitException($"Unexpected {error.GetType().Name}: {error.Message}"),
        };
    }
}
