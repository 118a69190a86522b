using CodeLsp.Server.Hosting;
using Nerdbank.Streams;
using Serilog.Core;
using Serilog.Events;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>A <see cref="LanguageServerHost"/> on one end of an in-memory duplex stream and a <see cref="TestLspClient"/> on the other.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(Stream clientStream, Task<int> run, FakeAssistant assistant, CollectingSink log, LoggingLevelSwitch levelSwitch)
    {
        ClientStream = clientStream;
        Run = run;
        Assistant = assistant;
        Log = log;
        LevelSwitch = levelSwitch;
        Client = new TestLspClient(clientStream);
    }

    public Stream ClientStream { get; }
    public Task<int> Run { get; }
    public FakeAssistant Assistant { get; }
    public CollectingSink Log { get; }
    public LoggingLevelSwitch LevelSwitch { get; }
    public TestLspClient Client { get; }

    public static InProcessServer Start(FakeAssistant? assistant = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        assistant ??= new FakeAssistant();
        var log = new CollectingSink();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Information);
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        var host = new LanguageServerHost(serverStream, serverStream, assistant, log.CreateLogger(), new LanguageServerOptions
        {
            LevelSwitch = levelSwitch,
            GetEnvironmentVariable = name => environment?.GetValueOrDefault(name),
        });
        var run = Task.Run(() => host.RunAsync());
        return new InProcessServer(clientStream, run, assistant, log, levelSwitch);
    }

    public static async Task<InProcessServer> StartInitializedAsync(FakeAssistant? assistant = null, Protocol.InitializeParams? initialize = null)
    {
        var server = Start(assistant);
        await server.Client.InitializeAndInitializedAsync(initialize);
        return server;
    }

    /// <summary>Writes bytes straight onto the wire, bypassing the client's framing (for malformed-input tests).</summary>
    public async Task WriteRawAsync(byte[] bytes)
    {
        await ClientStream.WriteAsync(bytes);
        await ClientStream.FlushAsync();
    }

    public async Task<int> WaitForExitAsync() => await Run.WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await ClientStream.DisposeAsync();
        try { await Run.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { }
    }
}
