using CodeLsp.Protocol;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>One source of code actions (next-edit quick fixes, AI refactors, …). Must not run the model.</summary>
internal interface ICodeActionProvider
{
    Task<IReadOnlyList<Protocol.CodeAction>> ProvideAsync(CodeActionParams request, RequestContext context, CancellationToken cancellationToken);
}
