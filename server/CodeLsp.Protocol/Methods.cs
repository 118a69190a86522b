namespace CodeLsp.Protocol;

/// <summary>LSP method names this server handles or sends. https://microsoft.github.io/language-server-protocol/specifications/lsp/3.18/specification/</summary>
public static class Methods
{
    public const string Initialize = "initialize";
    public const string Initialized = "initialized";
    public const string Shutdown = "shutdown";
    public const string Exit = "exit";
    public const string CancelRequest = "$/cancelRequest";
    public const string SetTrace = "$/setTrace";
    public const string Progress = "$/progress";

    public const string TextDocumentDidOpen = "textDocument/didOpen";
    public const string TextDocumentDidChange = "textDocument/didChange";
    public const string TextDocumentDidClose = "textDocument/didClose";
    public const string TextDocumentDidSave = "textDocument/didSave";
    public const string TextDocumentInlineCompletion = "textDocument/inlineCompletion";
    public const string TextDocumentCodeAction = "textDocument/codeAction";

    /// <summary>CodeLsp's own request: the follow-up edits after the last edit (see NextEditsParams).</summary>
    public const string CodeLspNextEdits = "codelsp/nextEdits";

    public const string WorkspaceDidChangeConfiguration = "workspace/didChangeConfiguration";
    public const string WorkspaceExecuteCommand = "workspace/executeCommand";
    public const string WorkspaceDidChangeWatchedFiles = "workspace/didChangeWatchedFiles";
    public const string WorkspaceApplyEdit = "workspace/applyEdit";

    public const string WindowShowMessage = "window/showMessage";
    public const string WindowLogMessage = "window/logMessage";
    public const string WindowWorkDoneProgressCreate = "window/workDoneProgress/create";
    public const string WindowWorkDoneProgressCancel = "window/workDoneProgress/cancel";
    public const string WindowShowMessageRequest = "window/showMessageRequest";
    public const string WindowShowDocument = "window/showDocument";
}
