using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Handlers.Configuration;
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
        //                                        method                                      mode       handler
        new RequestRegistration<InitializeParams, InitializeResult>(
                                                  Methods.Initialize,                         Mutating,  new InitializeHandler(server)),
        new NotificationRegistration<JsonElement?>(Methods.Initialized,                       Mutating,  new InitializedHandler(server)),
        new RequestRegistration<JsonElement?, object?>(Methods.Shutdown,                      Mutating,  new ShutdownHandler(server)),
        new NotificationRegistration<JsonElement?>(Methods.Exit,                              Mutating,  new ExitHandler(server)),
        new NotificationRegistration<SetTraceParams>(Methods.SetTrace,                        Mutating,  new SetTraceHandler(server)),

        new NotificationRegistration<DidOpenTextDocumentParams>(Methods.TextDocumentDidOpen,     Mutating, new DidOpenHandler(server)),
        new NotificationRegistration<DidChangeTextDocumentParams>(Methods.TextDocumentDidChange, Mutating, new DidChangeHandler(server)),
        new NotificationRegistration<DidCloseTextDocumentParams>(Methods.TextDocumentDidClose,   Mutating, new DidCloseHandler(server)),
        new NotificationRegistration<DidSaveTextDocumentParams>(Methods.TextDocumentDidSave,     Mutating, new DidSaveHandler(server)),

        new NotificationRegistration<DidChangeConfigurationParams>(Methods.WorkspaceDidChangeConfiguration, Mutating, new DidChangeConfigurationHandler(server)),

        new RequestRegistration<InlineCompletionParams, InlineCompletionList>(
                                                  Methods.TextDocumentInlineCompletion,       ReadOnly,  new InlineCompletionHandler(server)),
        new RequestRegistration<ExecuteCommandParams, object?>(
                                                  Methods.WorkspaceExecuteCommand,            ReadOnly,  new ExecuteCommandHandler(server)),
    ];
}
