using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;

namespace CodeLsp.Server.Tests;

public sealed class AcceptCommandTests
{
    [Fact]
    public async Task Items_carry_the_accept_command_and_running_it_reaches_the_assistant()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/A.cs", "class A { }");

        var list = await server.Client.CompleteAsync("file:///w/A.cs", new Position(0, 9));
        var command = Assert.Single(list.Items).Command!;
        Assert.Equal("codelsp.suggestionAccepted", command.CommandIdentifier);
        await server.Client.RequestAsync<JsonElement?>(Methods.WorkspaceExecuteCommand, new ExecuteCommandParams
        {
            Command = command.CommandIdentifier,
            Arguments = command.Arguments,
        });

        Assert.Equal(command.Arguments![0].GetString(), Assert.Single(server.Assistant.Accepted));
    }

    [Fact]
    public async Task Initialize_advertises_the_command_and_unknown_commands_are_refused()
    {
        await using var server = InProcessServer.Start();
        var result = await server.Client.InitializeAsync();
        Assert.Contains("codelsp.suggestionAccepted", result.Capabilities.ExecuteCommandProvider!.Commands);
        Assert.Contains("codelsp.ai.run", result.Capabilities.ExecuteCommandProvider.Commands);
        await server.Client.NotifyAsync(Methods.Initialized, new { });

        var (code, message) = await RpcErrors.CatchAsync(() =>
            server.Client.RequestAsync<JsonElement?>(Methods.WorkspaceExecuteCommand, new ExecuteCommandParams { Command = "rm -rf" }));
        Assert.Equal(LspErrorCodes.InvalidParams, code);
        Assert.Contains("rm -rf", message);
    }

    [Fact]
    public async Task Edits_and_closes_reach_the_assistant_in_order()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/A.cs", "class A { }");
        await server.Client.ChangeAsync("file:///w/A.cs", 5, new TextDocumentContentChangeEvent { Text = "class B { }" });
        await server.Client.NotifyAsync(Methods.TextDocumentDidClose, new DidCloseTextDocumentParams { TextDocument = new TextDocumentIdentifier { Uri = new Uri("file:///w/A.cs") } });
        await server.Client.CompleteAsync("file:///w/A.cs", new Position(0, 0)); // a request after them: all notifications applied

        Assert.Equal(["changed file:///w/A.cs v5", "closed file:///w/A.cs"], server.Assistant.Events);
    }
}
