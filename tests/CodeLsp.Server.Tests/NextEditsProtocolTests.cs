using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Hosting;
using CodeLsp.Server.Tests.Infrastructure;
using CodeLsp.Workspace;
using Nerdbank.Streams;

namespace CodeLsp.Server.Tests;

/// <summary>
/// codelsp/nextEdits and the next-edit quick fixes over LSP, with the real assistant on an ad-hoc folder: the edits
/// come nearest first, a stale version gets none, the quick fix carries its edit at the document's version.
/// </summary>
public sealed class NextEditsProtocolTests : IAsyncLifetime
{
    private const string Scaler = """
        namespace Shop;
        public static class Scaler
        {
            public static int Scale(int count)
            {
                var doubled = count * 2;
                return doubled + count;
            }

            public static int Twice() => Scale(count: 2);
        }
        """;

    private const string Cart = """
        using System.Threading;
        namespace Shop;
        public sealed class Cart
        {
            public void Add(decimal price) { }
        }
        """;

    private const string Checkout = """
        using System.Threading;
        namespace Shop;
        public static class Checkout
        {
            public static void Run(Cart cart, CancellationToken cancellationToken)
            {
                cart.Add(1m);
            }
        }
        """;

    private readonly CollectingSink _log = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("codelsp-next-").FullName;
    private Assistant _assistant = null!;
    private TestLspClient _client = null!;
    private Stream _clientStream = null!;
    private Task<int> _run = null!;

    private string Uri(string name) => new Uri(Path.Combine(_folder, name)).ToString();

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder, "Scaler.cs"), Scaler);
        File.WriteAllText(Path.Combine(_folder, "Cart.cs"), Cart);
        File.WriteAllText(Path.Combine(_folder, "Checkout.cs"), Checkout);
        var log = _log;
        _assistant = new Assistant(log.CreateLogger());
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        _clientStream = clientStream;
        var host = new LanguageServerHost(serverStream, serverStream, _assistant, log.CreateLogger(), new LanguageServerOptions { GetEnvironmentVariable = _ => null });
        _run = Task.Run(() => host.RunAsync());
        _client = new TestLspClient(clientStream);
        await _client.InitializeAsync(new InitializeParams
        {
            ProcessId = 1,
            RootUri = new Uri("file://" + _folder),
            InitializationOptions = JsonSerializer.SerializeToElement(new { workspaceTrusted = false }),
        });
        await _client.NotifyAsync(Methods.Initialized, new { });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_assistant.Workspace.State.Status != WorkspaceLoadStatus.Loaded)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the ad-hoc workspace did not load: {_assistant.Workspace.State}\n" + string.Join("\n", _log.Messages(Serilog.Events.LogEventLevel.Verbose)));
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _clientStream.DisposeAsync();
        try { await _run.WaitAsync(TimeSpan.FromSeconds(10)); } catch (Exception) { }
        await _assistant.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<NextEditsResult> NextEditsAsync(string name, int version, Position position) =>
        _client.RequestAsync<NextEditsResult>(Methods.CodeLspNextEdits, new NextEditsParams
        {
            TextDocument = new VersionedTextDocumentIdentifier { Uri = new Uri(Uri(name)), Version = version },
            Position = position,
        });

    private async Task RenameCountToTotalAsync()
    {
        await _client.OpenAsync(Uri("Scaler.cs"), Scaler);
        // Type over the parameter's name in the declaration (line 3, "count" at column 32).
        await _client.ChangeAsync(Uri("Scaler.cs"), 2, new TextDocumentContentChangeEvent { Range = new Protocol.Range(new Position(3, 32), new Position(3, 37)), Text = "total" });
    }

    [Fact]
    public async Task Edits_come_nearest_first_and_a_stale_version_gets_none()
    {
        await RenameCountToTotalAsync();

        var fromEnd = await NextEditsAsync("Scaler.cs", 2, new Position(9, 0));
        var fromTop = await NextEditsAsync("Scaler.cs", 2, new Position(0, 0));
        var stale = await NextEditsAsync("Scaler.cs", 1, new Position(0, 0));

        Assert.Equal([9, 6, 5], fromEnd.Edits.Select(e => e.Range.Start.Line));
        Assert.Equal([5, 6, 9], fromTop.Edits.Select(e => e.Range.Start.Line));
        Assert.All(fromEnd.Edits, e =>
        {
            Assert.Equal("total", e.NewText);
            Assert.Equal("compiler", e.Source);
            Assert.Equal(2, e.TextDocument.Version);
        });
        Assert.Empty(stale.Edits);
    }

    [Fact]
    public async Task A_quick_fix_at_a_site_carries_the_edit_at_the_documents_version()
    {
        await RenameCountToTotalAsync();

        var actions = await _client.RequestAsync<CodeAction[]>(Methods.TextDocumentCodeAction, new CodeActionParams
        {
            TextDocument = new TextDocumentIdentifier { Uri = new Uri(Uri("Scaler.cs")) },
            Range = new Protocol.Range(new Position(5, 22), new Position(5, 22)),
        });

        var action = Assert.Single(actions);
        Assert.Equal("Rename `count` → `total` here and at 2 more sites", action.Title);
        Assert.Equal(CodeActionKinds.QuickFix, action.Kind);
        var change = Assert.IsType<TextDocumentEdit>(Assert.Single(action.Edit!.DocumentChanges));
        Assert.Equal(2, change.TextDocument.Version);
        var edit = Assert.Single(change.Edits);
        Assert.Equal(new Protocol.Range(new Position(5, 22), new Position(5, 27)), edit.Range);
        Assert.Equal("total", edit.NewText);
        Assert.Equal("codelsp.nextEditAccepted", action.Command!.CommandIdentifier);
        await _client.RequestAsync<object?>(Methods.WorkspaceExecuteCommand, new ExecuteCommandParams { Command = action.Command.CommandIdentifier, Arguments = action.Command.Arguments });
    }

    [Fact]
    public async Task A_new_parameter_updates_the_call_in_another_open_file()
    {
        await _client.OpenAsync(Uri("Cart.cs"), Cart);
        await _client.OpenAsync(Uri("Checkout.cs"), Checkout);
        await _client.ChangeAsync(Uri("Cart.cs"), 2, new TextDocumentContentChangeEvent
        {
            Range = new Protocol.Range(new Position(4, 33), new Position(4, 33)),
            Text = ", CancellationToken cancellationToken",
        });

        var result = await NextEditsAsync("Cart.cs", 2, new Position(4, 0));
        Assert.True(result.Edits.Count == 1, string.Join("\n", _log.Messages(Serilog.Events.LogEventLevel.Verbose)));
        var edit = result.Edits[0];
        Assert.Equal(Uri("Checkout.cs"), edit.TextDocument.Uri.ToString());
        Assert.Equal(1, edit.TextDocument.Version);
        Assert.Equal(", cancellationToken", edit.NewText);
        Assert.Equal("Update call: add argument `cancellationToken`", edit.Title);
        Assert.Equal("CS7036", edit.Diagnostic);

        var actions = await _client.RequestAsync<CodeAction[]>(Methods.TextDocumentCodeAction, new CodeActionParams
        {
            TextDocument = new TextDocumentIdentifier { Uri = new Uri(Uri("Checkout.cs")) },
            Range = new Protocol.Range(new Position(6, 8), new Position(6, 8)),
        });
        Assert.Equal("Update call: add argument `cancellationToken`", Assert.Single(actions).Title);
    }
}
