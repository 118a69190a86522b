using CodeLsp.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// StreamJsonRpc with LSP error shapes: a <see cref="LocalRpcException"/> keeps its code; any other exception from a handler
/// answers InternalError with its message, without .NET type names or stack traces (those go to the log).
/// </summary>
internal sealed class LspJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        if (exception is LocalRpcException local)
        {
            return new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)local.ErrorCode, Message = local.Message, Data = local.ErrorData };
        }
        if (Find<System.Text.Json.JsonException>(exception) is { } badParams)
        {
            // UseSingleObjectParameterDeserialization surfaces params that do not fit the type as a JsonException.
            return new JsonRpcError.ErrorDetail
            {
                Code = (JsonRpcErrorCode)LspErrorCodes.InvalidParams,
                Message = $"Invalid params for {request.Method}: {badParams.Message}",
            };
        }
        return new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)LspErrorCodes.InternalError,
            Message = $"{request.Method} failed: {exception.Message}",
        };
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found) return found;
        }
        return null;
    }
}
