using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>
/// textDocument/codeAction: collects the actions of every provider for the range. The model never runs here: an
/// action that needs it carries a command. A failing provider costs its actions, not the request.
/// </summary>
internal sealed class CodeActionHandler(ServerState server, IReadOnlyList<ICodeActionProvider> providers) : IRequestHandler<CodeActionParams, IReadOnlyList<Protocol.CodeAction>>
{
    public async Task<IReadOnlyList<Protocol.CodeAction>> HandleAsync(CodeActionParams request, RequestContext context, CancellationToken cancellationToken)
    {
        var actions = new List<Protocol.CodeAction>();
        foreach (var provider in providers)
        {
            try
            {
                actions.AddRange(await provider.ProvideAsync(request, context, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                server.Logger.Warning(e, "Code action provider {Provider} failed", provider.GetType().Name);
            }
        }
        return actions;
    }
}
