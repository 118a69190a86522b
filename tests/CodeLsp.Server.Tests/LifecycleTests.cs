using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using StreamJsonRpc;

namespace CodeLsp.Server.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Initialize_AnswersCapabilitiesAndServerInfo()
    {
        await using var server = InProcessServer.Start();

        var result = await server.Client.RequestAsync<JsonElement>(Methods.Initialize, new InitializeParams { ProcessId = 1 });

        var sync = result.GetProperty("capabilities").GetProperty("textDocumentSync");
        Assert.True(sync.GetProperty("openClose").GetBoolean());
        Assert.Equal(2, sync.GetProperty("change").GetInt32());
        Assert.False(sync.GetProperty("save").GetProperty("includeText").GetBoolean());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("capabilities").GetProperty("inlineCompletionProvider").ValueKind);
        Assert.Equal("codelsp", result.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal("0.1.0", result.GetProperty("serverInfo").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Initialize_IsAnsweredWhileTheAssistantIsStillLoading()
    {
        var assistant = new FakeAssistant();
        await using var server = InProcessServer.Start(assistant);
        assistant.Raise(new Features.ModelStatus.Loading("/models/slow.gguf", 0));

        var result = await server.Client.InitializeAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(result.Capabilities.InlineCompletionProvider);
        Assert.Single(assistant.AppliedSettings);
    }

    [Fact]
    public async Task ShutdownThenExit_EndsWithZero()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        var shutdown = await server.Client.RequestAsync<JsonElement>(Methods.Shutdown, null);
        await server.Client.NotifyAsync(Methods.Exit);

        Assert.Equal(JsonValueKind.Null, shutdown.ValueKind);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task ExitWithoutShutdown_EndsWithOne()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        await server.Client.NotifyAsync(Methods.Exit);

        Assert.Equal(1, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task ClosedInput_EndsTheServer()
    {
        var server = await InProcessServer.StartInitializedAsync();

        await server.ClientStream.DisposeAsync();

        Assert.Equal(1, await server.WaitForExitAsync());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task ClosedInputAfterShutdown_EndsWithZero()
    {
        var server = await InProcessServer.StartInitializedAsync();
        await server.Client.RequestAsync<JsonElement>(Methods.Shutdown, null);

        await server.ClientStream.DisposeAsync();

        Assert.Equal(0, await server.WaitForExitAsync());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task RequestBeforeInitialize_AnswersServerNotInitialized()
    {
        await using var server = InProcessServer.Start();

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(
            () => server.Client.CompleteAsync("file:///a.cs", new Position(0, 0)));

        Assert.Equal(LspErrorCodes.ServerNotInitialized, error.ErrorCode);
    }

    [Fact]
    public async Task NotificationBeforeInitialize_IsDropped()
    {
        await using var server = InProcessServer.Start();
        await server.Client.OpenAsync("file:///a.cs", "class C { }");
        await server.Client.InitializeAndInitializedAsync();

        var list = await server.Client.CompleteAsync("file:///a.cs", new Position(0, 0));

        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task SecondInitialize_AnswersInvalidRequest()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => server.Client.InitializeAsync());

        Assert.Equal(LspErrorCodes.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public async Task RequestAfterShutdown_AnswersInvalidRequest()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.RequestAsync<JsonElement>(Methods.Shutdown, null);

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(
            () => server.Client.CompleteAsync("file:///a.cs", new Position(0, 0)));

        Assert.Equal(LspErrorCodes.InvalidRequest, error.ErrorCode);
    }

    [Fact]
    public async Task UnknownRequest_AnswersMethodNotFound_AndUnknownNotificationsAreIgnored()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(
            () => server.Client.RequestAsync<JsonElement>("textDocument/hover", new { textDocument = new { uri = "file:///a.cs" } }));
        await server.Client.NotifyAsync("$/someClientExtension", new { value = 1 });
        await server.Client.NotifyAsync("workspace/didChangeWorkspaceFolders", new { @event = new { added = Array.Empty<object>(), removed = Array.Empty<object>() } });
        await server.Client.NotifyAsync(Methods.SetTrace, new SetTraceParams { Value = "verbose" });
        await server.Client.OpenAsync("file:///a.cs", "x");

        Assert.Equal(LspErrorCodes.MethodNotFound, (int)error.ErrorCode);
        var list = await server.Client.CompleteAsync("file:///a.cs", new Position(0, 1));
        Assert.Equal("x$$", Assert.Single(list.Items).InsertText);
    }

    [Fact]
    public async Task UnknownNotifications_AreLoggedAtDebug_ExceptDollarSlashOnes()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        await server.Client.NotifyAsync("$/someClientExtension", new { value = 1 });
        await server.Client.NotifyAsync("workspace/didChangeWorkspaceFolders", new { @event = new { added = Array.Empty<object>(), removed = Array.Empty<object>() } });
        await server.Client.CompleteAsync("file:///none.cs", new Position(0, 0));

        Assert.Contains(server.Log.Messages(Serilog.Events.LogEventLevel.Debug), m => m.Contains("workspace/didChangeWorkspaceFolders"));
        Assert.DoesNotContain(server.Log.Messages(Serilog.Events.LogEventLevel.Verbose), m => m.Contains("$/someClientExtension"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"params\":null")]
    [InlineData(",\"params\":{}")]
    public async Task ParamlessMethods_AcceptMissingNullOrEmptyParams(string paramsMember)
    {
        var assistant = new FakeAssistant();
        await using var server = InProcessServer.Start(assistant);
        await server.Client.InitializeAsync(new InitializeParams
        {
            Capabilities = new ClientCapabilities { Window = new WindowClientCapabilities { WorkDoneProgress = true } },
        });

        await server.WriteRawAsync(Frame($"{{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"{paramsMember}}}"));
        assistant.Raise(new Features.ModelStatus.Loading("/m/a.gguf", 0));
        await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.Progress)); // initialized was handled
        await server.WriteRawAsync(Frame($"{{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"shutdown\"{paramsMember}}}"));
        await server.WriteRawAsync(Frame($"{{\"jsonrpc\":\"2.0\",\"method\":\"exit\"{paramsMember}}}"));

        Assert.Equal(0, await server.WaitForExitAsync());
    }

    private static byte[] Frame(string json)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        return [.. System.Text.Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];
    }
}
