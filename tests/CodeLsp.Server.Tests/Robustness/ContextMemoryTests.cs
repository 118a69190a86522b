using System.Text.Json;
using CodeLsp.Inference;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>
/// A contextSize larger than memory allows, out of process: the built server with a generated model whose training
/// context is 4M tokens and a free-memory figure set through <see cref="AvailableMemory.OverrideVariable"/> (so the
/// test allocates a few MiB, whatever the machine has). The user is told once, and the server keeps serving.
/// </summary>
public sealed class ContextMemoryTests : IDisposable
{
    private const string Uri = "file:///w/Greeter.cs";
    private const string Source = "class Greeter\n{\n    public string Greet(string name)\n    {\n        return \n    }\n}\n";
    private static readonly Position Caret = new(4, 15);
    private readonly string _temp = Directory.CreateTempSubdirectory("codelsp-memory-").FullName;

    public static TheoryData<string, int, MessageType, string, bool> Cases => new()
    {
        // case, free MiB, shown message type, text it contains, completions come from the model
        { "lowered", 1024 + 16, MessageType.Warning, "contextSize 1,048,576 needs", true },
        { "refused", 1024, MessageType.Error, "Not enough free memory", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_user_is_told_once_and_the_server_keeps_serving(string name, int freeMiB, MessageType type, string expected, bool modelServes)
    {
        var model = Path.Combine(_temp, "huge-context.gguf");
        TinyModel.Write(model, new TinyModelOptions { ContextLength = 4_194_304 });
        var environment = new Dictionary<string, string> { [AvailableMemory.OverrideVariable] = freeMiB.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var server = ServerProcess.Start(_temp, environment, "serve", "--log-file", Path.Combine(_temp, name + ".log"));
        var client = server.Client;
        var settings = JsonSerializer.SerializeToElement(new { modelPath = model, contextSize = 1_048_576, maxTokens = 8, threads = 1 });

        await client.InitializeAsync(new InitializeParams { ProcessId = Environment.ProcessId, InitializationOptions = settings }).WaitAsync(TimeSpan.FromSeconds(30));
        await client.NotifyAsync(Methods.Initialized, new { });
        await client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage), TimeSpan.FromSeconds(60));
        // The same settings again (clients send them at start-up and on every change): nothing new to say.
        await client.NotifyAsync(Methods.WorkspaceDidChangeConfiguration, new { settings = new { codelsp = settings } });
        await client.OpenAsync(Uri, Source);
        var list = await client.CompleteAsync(Uri, Caret, InlineCompletionTriggerKind.Invoked).WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(300);

        var shown = Assert.Single(client.Received, m => m.Method == Methods.WindowShowMessage).Params;
        Assert.Equal((int)type, shown.GetProperty("type").GetInt32());
        Assert.Contains(expected, shown.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(modelServes, client.Received.Any(m => m.Method == Methods.WindowLogMessage && m.Params.ToString().Contains("ready", StringComparison.Ordinal)));
        if (!modelServes) Assert.Empty(list.Items);
        Assert.False(server.Process.HasExited);
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
