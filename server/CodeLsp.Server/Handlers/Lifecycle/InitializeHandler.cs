using System.Reflection;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Server.Settings;

namespace CodeLsp.Server.Handlers.Lifecycle;

/// <summary>
/// initialize: records the client's capabilities and settings, starts applying them (model loading runs in the background),
/// and answers at once with what the server offers.
/// </summary>
internal sealed class InitializeHandler(ServerState server) : IRequestHandler<InitializeParams, InitializeResult>
{
    public const string ServerName = "codelsp";

    public Task<InitializeResult> HandleAsync(InitializeParams request, RequestContext context, CancellationToken cancellationToken)
    {
        server.ClientCapabilities = request.Capabilities;
        server.Logger.Information(
            "initialize from {Client} {ClientVersion} (pid {ProcessId}, root {Root}, workDoneProgress {WorkDoneProgress})",
            request.ClientInfo?.Name ?? "unknown client", request.ClientInfo?.Version, request.ProcessId,
            request.RootUri?.ToString() ?? request.RootPath, request.Capabilities.Window?.WorkDoneProgress == true);

        SettingsApplier.Apply(server, server.SettingsSources with { InitializationOptions = request.InitializationOptions });
        server.WorkspaceFolder = WorkspaceFolderOf(request);
        server.WorkspaceTrusted = !(request.InitializationOptions is { ValueKind: System.Text.Json.JsonValueKind.Object } options &&
                                    options.TryGetProperty("workspaceTrusted", out var trusted) && trusted.ValueKind == System.Text.Json.JsonValueKind.False);

        return Task.FromResult(new InitializeResult
        {
            Capabilities = new ServerCapabilities
            {
                TextDocumentSync = new TextDocumentSyncOptions
                {
                    OpenClose = true,
                    Change = TextDocumentSyncKind.Incremental,
                    Save = new SaveOptions { IncludeText = false },
                },
                // Offered whether or not the client declared textDocument.inlineCompletion: some clients ask anyway.
                InlineCompletionProvider = new InlineCompletionOptions(),
                ExecuteCommandProvider = new ExecuteCommandOptions { Commands = [Features.Assistant.AcceptedCommand, Features.Actions.AiActionNames.RunCommand, .. CodeAction.NextEditCommands.All] },
                // AI actions carry a command, never an edit to resolve: the model runs only when the user picks one.
                CodeActionProvider = new CodeActionOptions { CodeActionKinds = [CodeActionKinds.QuickFix, CodeActionKinds.RefactorRewrite], ResolveProvider = false },
            },
            ServerInfo = new ServerInfo { Name = ServerName, Version = ServerVersion },
        });
    }

    public static string ServerVersion { get; } = ReadVersion();

    private static string? WorkspaceFolderOf(InitializeParams request)
    {
        var uri = request.WorkspaceFolders is [var first, ..] ? first.Uri : request.RootUri;
        // A relative or non-file URI (some clients send a bare path) is no folder to load; rootPath may still be.
        if (uri is { IsAbsoluteUri: true, IsFile: true }) return uri.LocalPath;
        return string.IsNullOrWhiteSpace(request.RootPath) ? null : request.RootPath;
    }

    private static string ReadVersion()
    {
        var assembly = typeof(InitializeHandler).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is not null)
        {
            var plus = informational.IndexOf('+');
            return plus < 0 ? informational : informational[..plus];
        }
        return assembly.GetName().Version?.ToString() ?? "0.0.0";
    }
}
