using CodeLsp.Protocol;
using CodeLsp.Server.Handlers.CodeAction;
using CodeLsp.Server.Handlers.Configuration;
using CodeLsp.Server.Handlers.NextEdits;
using CodeLsp.Server.Handlers.InlineCompletion;
using CodeLsp.Server.Handlers.Lifecycle;
using CodeLsp.Server.Handlers.TextSync;
using CodeLsp.Server.Handlers.Workspace;
using CodeLsp.Server.Hosting;
using static CodeLsp.Server.Handlers.MethodMode;

namespace CodeLsp.Server.Handlers;

/// <summary>
/// Every LSP method this server handles, with its mode, on one screen. Methods not listed answer MethodNotFound
/// (requests) or are ignored (notifications). $/cancelRequest is handled by StreamJsonRpc itself.
/// </summary>
internal static class MethodTable
{
    public static IReadOnlyList<MethodRegistration> Create(ServerState server) =>
    [
        //           method                                      mode      handler
        Request(     Methods.Initialize,                         Mutating, new InitializeHandler(server)),
        Notification(Methods.Initialized,                        Mutating, new InitializedHandler(server)),
        Request(     Methods.Shutdown,                           Mutating, new ShutdownHandler(server)),
        Notification(Methods.Exit,                               Mutating, new ExitHandler(server)),
        Notification(Methods.SetTrace,                           Mutating, new SetTraceHandler(server)),

        Notification(Methods.TextDocumentDidOpen,                Mutating, new DidOpenHandler(server)),
        Notification(Methods.TextDocumentDidChange,              Mutating, new DidChangeHandler(server)),
        Notification(Methods.TextDocumentDidClose,               Mutating, new DidCloseHandler(server)),
        Notification(Methods.TextDocumentDidSave,                Mutating, new DidSaveHandler(server)),

        Notification(Methods.WorkspaceDidChangeConfiguration,    Mutating, new DidChangeConfigurationHandler(server)),
        Notification(Methods.WorkspaceDidChangeWatchedFiles,     Mutating, new DidChangeWatchedFilesHandler(server)),

        Request(     Methods.TextDocumentInlineCompletion,       ReadOnly, new InlineCompletionHandler(server)),
        Request(     Methods.WorkspaceExecuteCommand,            ReadOnly, new ExecuteCommandHandler(server)),
        Request(     Methods.TextDocumentCodeAction,             ReadOnly, new CodeActionHandler(server, [new AiCodeActions(server), new NextEditCodeActions(server)])),
        Request(     Methods.CodeLspNextEdits,                   ReadOnly, new NextEditsHandler(server)),
        Notification(Methods.WindowWorkDoneProgressCancel,       ReadOnly, new WorkDoneProgressCancelHandler(server)),
    ];

    private static MethodRegistration Request<TParams, TResult>(string method, MethodMode mode, IRequestHandler<TParams, TResult> handler) =>
        new RequestRegistration<TParams, TResult>(method, mode, handler);

    private static MethodRegistration Notification<TParams>(string method, MethodMode mode, INotificationHandler<TParams> handler) =>
        new NotificationRegistration<TParams>(method, mode, handler);
}
