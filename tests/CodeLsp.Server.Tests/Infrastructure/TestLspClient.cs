using System.Collections.Concurrent;
using System.Text.Json;
using CodeLsp.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>
/// The editor side of a test: a StreamJsonRpc client with the server's JSON options that answers
/// window/workDoneProgress/create and records every message the server sends on its own.
/// </summary>
internal sealed class TestLspClient : IAsyncDisposable
{
    private readonly RecordingHandler _handler;

    public TestLspClient(Stream stream) : this(stream, stream) { }

    public TestLspClient(Stream sending, Stream receiving)
    {
        _handler = new RecordingHandler(new HeaderDelimitedMessageHandler(sending, receiving, new SystemTextJsonFormatter { JsonSerializerOptions = LspJson.Options }));
        Rpc = new JsonRpc(_handler);
        foreach (var method in new[] { Methods.Progress, Methods.WindowShowMessage, Methods.WindowLogMessage })
        {
            var record = new Action<JsonElement>(p => Received.Enqueue((method, p.Clone())));
            Rpc.AddLocalRpcMethod(record.Method, record.Target, new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
        }
        Rpc.AddLocalRpcMethod(
            typeof(TestLspClient).GetMethod(nameof(CreateProgress), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!,
            this,
            new JsonRpcMethodAttribute(Methods.WindowWorkDoneProgressCreate) { UseSingleObjectParameterDeserialization = true });
        foreach (var (method, name) in new[] { (Methods.WorkspaceApplyEdit, nameof(ApplyEdit)), (Methods.WindowShowMessageRequest, nameof(ShowMessageRequest)), (Methods.WindowShowDocument, nameof(ShowDocument)) })
        {
            Rpc.AddLocalRpcMethod(
                typeof(TestLspClient).GetMethod(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!,
                this,
                new JsonRpcMethodAttribute(method) { UseSingleObjectParameterDeserialization = true });
        }
        Rpc.StartListening();
    }

    /// <summary>How the editor answers workspace/applyEdit (default: applied).</summary>
    public Func<JsonElement, object> ApplyEditAnswer { get; set; } = _ => new { applied = true };

    /// <summary>Which button the user presses on window/showMessageRequest (default: none, the message is dismissed).</summary>
    public Func<JsonElement, string?> MessageChoice { get; set; } = _ => null;

    private object ApplyEdit(JsonElement @params)
    {
        Received.Enqueue((Methods.WorkspaceApplyEdit, @params.Clone()));
        return ApplyEditAnswer(@params);
    }

    private object? ShowMessageRequest(JsonElement @params)
    {
        Received.Enqueue((Methods.WindowShowMessageRequest, @params.Clone()));
        return MessageChoice(@params) is { } title ? new { title } : null;
    }

    private object ShowDocument(JsonElement @params)
    {
        Received.Enqueue((Methods.WindowShowDocument, @params.Clone()));
        return new { success = true };
    }

    public JsonRpc Rpc { get; }

    /// <summary>Server-to-client messages in arrival order: (method, params).</summary>
    public ConcurrentQueue<(string Method, JsonElement Params)> Received { get; } = new();

    /// <summary>Error codes of the responses received, by request id.</summary>
    public ConcurrentDictionary<string, int> ErrorCodes => _handler.ErrorCodes;

    /// <summary>Codes of error answers with id null, in arrival order.</summary>
    public ConcurrentQueue<int> NullIdErrorCodes => _handler.NullIdErrorCodes;

    private object? CreateProgress(JsonElement @params)
    {
        Received.Enqueue((Methods.WindowWorkDoneProgressCreate, @params.Clone()));
        return null;
    }

    public Task<T> RequestAsync<T>(string method, object? @params, CancellationToken cancellationToken = default) =>
        Rpc.InvokeWithParameterObjectAsync<T>(method, @params, cancellationToken);

    public Task NotifyAsync(string method, object? @params = null) => Rpc.NotifyWithParameterObjectAsync(method, @params);

    public Task<InitializeResult> InitializeAsync(InitializeParams? @params = null) =>
        RequestAsync<InitializeResult>(Methods.Initialize, @params ?? new InitializeParams { ProcessId = Environment.ProcessId });

    public async Task InitializeAndInitializedAsync(InitializeParams? @params = null)
    {
        await InitializeAsync(@params);
        await NotifyAsync(Methods.Initialized, new { });
    }

    public Task OpenAsync(string uri, string text, string languageId = "csharp", int version = 1) =>
        NotifyAsync(Methods.TextDocumentDidOpen, new DidOpenTextDocumentParams
        {
            TextDocument = new TextDocumentItem { Uri = new Uri(uri), LanguageId = languageId, Version = version, Text = text },
        });

    public Task ChangeAsync(string uri, int version, params TextDocumentContentChangeEvent[] changes) =>
        NotifyAsync(Methods.TextDocumentDidChange, new DidChangeTextDocumentParams
        {
            TextDocument = new VersionedTextDocumentIdentifier { Uri = new Uri(uri), Version = version },
            ContentChanges = changes,
        });

    public Task<InlineCompletionList> CompleteAsync(string uri, Position position, InlineCompletionTriggerKind trigger = InlineCompletionTriggerKind.Automatic, CancellationToken cancellationToken = default) =>
        RequestAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new InlineCompletionParams
        {
            TextDocument = new TextDocumentIdentifier { Uri = new Uri(uri) },
            Position = position,
            Context = new InlineCompletionContext { TriggerKind = trigger },
        }, cancellationToken);

    /// <summary>Waits until a recorded message satisfies the condition (the server sends status in the background).</summary>
    public async Task<IReadOnlyList<(string Method, JsonElement Params)>> WaitForAsync(
        Func<IReadOnlyList<(string Method, JsonElement Params)>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var snapshot = Received.ToArray();
            if (condition(snapshot)) return snapshot;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Expected messages did not arrive: " + string.Join(", ", snapshot.Select(m => m.Method)));
            await Task.Delay(10);
        }
    }

    public ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Passes messages through and notes the code of every error response.</summary>
    private sealed class RecordingHandler(HeaderDelimitedMessageHandler inner)
        : IJsonRpcMessageHandler, IJsonRpcMessageBufferManager, Microsoft.VisualStudio.Threading.IAsyncDisposable
    {
        public ConcurrentDictionary<string, int> ErrorCodes { get; } = new();
        public bool CanRead => inner.CanRead;
        public bool CanWrite => inner.CanWrite;
        public IJsonRpcMessageFormatter Formatter => inner.Formatter;

        /// <summary>Codes of errors answered with id null (to messages whose id the server could not read).</summary>
        public ConcurrentQueue<int> NullIdErrorCodes { get; } = new();

        public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var message = await inner.ReadAsync(cancellationToken);
                if (message is JsonRpcError { Error: { } error } response)
                {
                    if (response.RequestId.IsNull || response.RequestId.IsEmpty)
                    {
                        // StreamJsonRpc as a client ends the connection on these; JSON-RPC 2.0 answers them to unreadable messages.
                        NullIdErrorCodes.Enqueue((int)error.Code);
                        ((IJsonRpcMessageBufferManager)inner).DeserializationComplete(message);
                        continue;
                    }
                    ErrorCodes[response.RequestId.ToString()] = (int)error.Code;
                }
                return message;
            }
        }

        public ValueTask WriteAsync(JsonRpcMessage content, CancellationToken cancellationToken) => inner.WriteAsync(content, cancellationToken);
        public void DeserializationComplete(JsonRpcMessage message) => ((IJsonRpcMessageBufferManager)inner).DeserializationComplete(message);
        public Task DisposeAsync() => inner.DisposeAsync();
    }
}
