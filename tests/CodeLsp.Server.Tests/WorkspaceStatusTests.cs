using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;

namespace CodeLsp.Server.Tests;

public sealed class WorkspaceStatusTests
{
    [Fact]
    public async Task The_workspace_folder_loads_after_initialized_untrusted_when_the_client_says_so()
    {
        var folder = Directory.CreateTempSubdirectory("codelsp-ws-").FullName;
        var assistant = new FakeAssistant();
        await using var server = InProcessServer.Start(assistant);
        await server.Client.InitializeAsync(new InitializeParams
        {
            ProcessId = 1,
            RootUri = new Uri("file://" + folder),
            InitializationOptions = JsonSerializer.SerializeToElement(new { workspaceTrusted = false }),
        });
        Assert.Empty(assistant.Workspaces); // not before initialized

        await server.Client.NotifyAsync(Methods.Initialized, new { });
        await server.Client.CompleteAsync("file:///none.cs", new Position(0, 0)); // after the notification is applied

        Assert.Equal((folder, false), Assert.Single(assistant.Workspaces));
        Directory.Delete(folder);
    }

    [Fact]
    public async Task A_bare_path_as_root_uri_does_not_fail_initialize()
    {
        var assistant = new FakeAssistant();
        await using var server = InProcessServer.Start(assistant);
        var result = await server.Client.InitializeAsync(new InitializeParams { ProcessId = 1, RootUri = new Uri("some/relative/dir", UriKind.Relative) });
        Assert.Equal("codelsp", result.ServerInfo!.Name);
    }

    [Fact]
    public async Task Loading_projects_is_a_progress_of_its_own_and_a_notice_is_a_warning()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, new InitializeParams
        {
            ProcessId = 1,
            Capabilities = new ClientCapabilities { Window = new WindowClientCapabilities { WorkDoneProgress = true } },
        });

        assistant.RaiseWorkspace(new WorkspaceLoadUpdate("/src/Shop", "Looking for projects", Done: false));
        assistant.RaiseWorkspace(new WorkspaceLoadUpdate("/src/Shop", "Loading Shop.Domain.csproj", Done: false));
        assistant.RaiseWorkspace(new WorkspaceLoadUpdate("/src/Shop", "2 project(s), 40 document(s) in 3.1 s", Done: true));
        assistant.RaiseNotice("CodeLsp loaded 1 project(s), but 1 problem(s) were reported");

        var messages = await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage));
        var progress = messages.Where(m => m.Method == Methods.Progress).Select(m => m.Params.GetProperty("value")).ToArray();
        Assert.Equal(Methods.WindowWorkDoneProgressCreate, messages[0].Method);
        Assert.Equal(["begin", "report", "end"], progress.Select(p => p.GetProperty("kind").GetString()));
        Assert.Equal("Loading projects in Shop", progress[0].GetProperty("title").GetString());
        Assert.Equal("Loading Shop.Domain.csproj", progress[1].GetProperty("message").GetString());
        var notice = messages.Single(m => m.Method == Methods.WindowShowMessage).Params;
        Assert.Equal((int)MessageType.Warning, notice.GetProperty("type").GetInt32());
    }
}
