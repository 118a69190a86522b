using System.Diagnostics;
using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;

namespace CodeLsp.Server.Tests;

/// <summary>
/// A few tests against the built executable (<c>dotnet codelsp.dll serve</c>) over its real stdin/stdout:
/// the wiring Program/CLI/logging adds on top of the in-process host, and that nothing but LSP reaches stdout.
/// </summary>
public sealed class OutOfProcessTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("codelsp-test-").FullName;

    private ServerProcess Start(params string[] arguments) => ServerProcess.Start(_temp, arguments);

    [Fact]
    public async Task FullSession_ShutdownThenExit_EndsWithZero()
    {
        var logFile = Path.Combine(_temp, "session.log");
        await using var server = Start("serve", "--log-level", "debug", "--log-file", logFile);

        var initialize = await server.Client.InitializeAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await server.Client.NotifyAsync(Methods.Initialized, new { });
        await server.Client.OpenAsync("file:///w/Program.cs", "class Program\n{\n    static void Main() { }\n}\n");
        var list = await server.Client.CompleteAsync("file:///w/Program.cs", new Position(2, 24));
        var shutdown = await server.Client.RequestAsync<JsonElement>(Methods.Shutdown, null);
        await server.Client.NotifyAsync(Methods.Exit);

        Assert.Equal("codelsp", initialize.ServerInfo!.Name);
        Assert.Empty(list.Items); // no model in this build
        Assert.Equal(JsonValueKind.Null, shutdown.ValueKind);
        Assert.Equal(0, await server.WaitForExitAsync());
        var log = await ReadSharedAsync(logFile);
        Assert.Contains("initialize from", log);
        Assert.Contains("Opened", log);
        Assert.Contains("file:///w/Program.cs", log);
    }

    [Fact]
    public async Task ExitWithoutShutdown_EndsWithOne()
    {
        await using var server = Start("--log-file", Path.Combine(_temp, "exit.log"));

        await server.Client.InitializeAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await server.Client.NotifyAsync(Methods.Exit);

        Assert.Equal(1, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task ClosedStdin_EndsTheProcess()
    {
        await using var server = Start("serve", "--log-file", Path.Combine(_temp, "closed.log"));
        await server.Client.InitializeAsync().WaitAsync(TimeSpan.FromSeconds(30));

        server.Process.StandardInput.Close();

        Assert.Equal(1, await server.WaitForExitAsync());
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
