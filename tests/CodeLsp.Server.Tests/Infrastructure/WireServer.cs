using CodeLsp.Server.Benchmarks.Wire;
using CodeLsp.Server.Hosting;
using Nerdbank.Streams;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>
/// A <see cref="LanguageServerHost"/> in process with a raw <see cref="LspWireClient"/> on the other end: for tests that must
/// send bytes a well-behaved JSON-RPC library never would, and see exactly what the server writes back.
/// </summary>
internal sealed class WireServer : IAsyncDisposable
{
    private readonly Stream _clientStream;

    private WireServer(Stream clientStream, Task<int> run, FakeAssistant assistant, CollectingSink log)
    {
        _clientStream = clientStream;
        Run = run;
        Assistant = assistant;
        Log = log;
        Client = new LspWireClient(clientStream, clientStream);
    }

    public Task<int> Run { get; }
    public FakeAssistant Assistant { get; }
    public CollectingSink Log { get; }
    public LspWireClient Client { get; }

    public static async Task<WireServer> StartInitializedAsync(FakeAssistant? assistant = null)
    {
        assistant ??= new FakeAssistant();
        var log = new CollectingSink();
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        var host = new LanguageServerHost(serverStream, serverStream, assistant, log.CreateLogger(), new LanguageServerOptions { GetEnvironmentVariable = _ => null });
        var server = new WireServer(clientStream, Task.Run(() => host.RunAsync()), assistant, log);
        await server.Client.RequestAsync(Protocol.Methods.Initialize, new Protocol.InitializeParams { ProcessId = Environment.ProcessId }).WaitAsync(TimeSpan.FromSeconds(10));
        await server.Client.NotifyAsync(Protocol.Methods.Initialized, new { });
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _clientStream.DisposeAsync();
        try { await Run.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { }
    }
}
