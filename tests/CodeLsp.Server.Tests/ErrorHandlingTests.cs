using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CodeLsp.Features.Completion;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using Serilog.Events;
using StreamJsonRpc;

namespace CodeLsp.Server.Tests;

public sealed class ErrorHandlingTests
{
    private const string Uri = "file:///w/a.cs";

    [Fact]
    public async Task ThrowingAssistant_AnswersAnError_LogsIt_AndTheServerKeepsServing()
    {
        var assistant = new FakeAssistant();
        var calls = 0;
        assistant.Complete = (query, ct) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("model exploded")
            : FakeAssistant.EchoAsync(query, ct);
        await using var server = await InProcessServer.StartInitializedAsync(assistant);
        await server.Client.OpenAsync(Uri, "x");

        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() => server.Client.CompleteAsync(Uri, new Position(0, 1)));
        var next = await server.Client.CompleteAsync(Uri, new Position(0, 1));

        Assert.Equal(LspErrorCodes.InternalError, error.ErrorCode);
        Assert.Contains("model exploded", error.Message);
        Assert.Equal("x$$", Assert.Single(next.Items).InsertText);
        var logged = Assert.Single(server.Log.Events, e => e.Level == LogEventLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task CancelRequest_CancelsTheAssistantsToken_AndAnswersRequestCancelledPromptly()
    {
        var assistant = new FakeAssistant();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokenCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        assistant.Complete = async (query, ct) =>
        {
            ct.Register(() => tokenCancelled.TrySetResult());
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return [];
        };
        await using var server = await InProcessServer.StartInitializedAsync(assistant);
        await server.Client.OpenAsync(Uri, "x");
        using var cancel = new CancellationTokenSource();

        var request = server.Client.CompleteAsync(Uri, new Position(0, 1), cancellationToken: cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var stopwatch = Stopwatch.StartNew();
        cancel.Cancel(); // StreamJsonRpc sends $/cancelRequest and waits for the server's answer

        // StreamJsonRpc turns only a RequestCancelled answer into a cancelled task.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(TimeSpan.FromSeconds(5)));
        stopwatch.Stop();
        await tokenCancelled.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Contains(LspErrorCodes.RequestCancelled, server.Client.ErrorCodes.Values);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {stopwatch.Elapsed}");

        // And the server goes on.
        assistant.Complete = FakeAssistant.EchoAsync;
        Assert.Single((await server.Client.CompleteAsync(Uri, new Position(0, 1))).Items);
    }

    [Theory]
    [InlineData("Content-Length: 20\r\n\r\n{\"jsonrpc\":\"2.0\",,,}", "malformed body")]
    [InlineData("Content-Length: 9\r\n\r\nnot json!", "malformed body")]
    [InlineData("Content-Length: 7\r\n\r\n[1,2,3]", "an array (LSP has no batches)")]
    [InlineData("Content-Lenght 12\r\n\r\n{\"a\":\"bcde\"}", "header line without a name")]
    [InlineData("Content-Length: abc\r\n\r\n{}", "bad Content-Length")]
    [InlineData("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}", "no Content-Length")]
    [InlineData("Content-Length: 10\r\n\r\n{\"foo\":1}\n", "neither a method nor a result")]
    public async Task MalformedMessage_IsLoggedAndSkipped_AndTheNextRequestIsAnswered(string raw, string expectedLog)
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync(Uri, "class C { }");

        await server.WriteRawAsync(Encoding.UTF8.GetBytes(raw));
        var list = await server.Client.CompleteAsync(Uri, new Position(0, 10)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("class C { $$}", Assert.Single(list.Items).InsertText);
        Assert.Contains(server.Log.Messages(LogEventLevel.Warning), m => m.Contains(expectedLog, StringComparison.Ordinal));
        Assert.False(server.Run.IsCompleted);
    }

    [Fact]
    public async Task NotificationWithBadParams_IsLogged_AndTheServerKeepsServing()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        await server.Client.NotifyAsync(Methods.TextDocumentDidOpen, new { textDocument = new { uri = 42, text = true } });
        await server.Client.OpenAsync(Uri, "ok");

        Assert.Equal("ok$$", Assert.Single((await server.Client.CompleteAsync(Uri, new Position(0, 2))).Items).InsertText);
    }

    [Fact]
    public async Task RequestWithBadParams_AnswersInvalidParams()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        var (code, message) = await RpcErrors.CatchAsync(
            () => server.Client.RequestAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new { textDocument = 5, position = "here" }));

        Assert.Equal(LspErrorCodes.InvalidParams, code);
        Assert.Contains("textDocument/inlineCompletion", message);
    }

    [Fact]
    public async Task SuggestionRangeIsConvertedBackToLspCoordinates()
    {
        var assistant = new FakeAssistant
        {
            Complete = (query, ct) => Task.FromResult<IReadOnlyList<InlineSuggestion>>(
                [new InlineSuggestion("Line(\"hi\");", new Microsoft.CodeAnalysis.Text.TextSpan(query.Offset - 2, 2), "s1")]),
        };
        await using var server = await InProcessServer.StartInitializedAsync(assistant);
        await server.Client.OpenAsync(Uri, "// 😀\r\nConsole.Wr");

        var item = Assert.Single((await server.Client.CompleteAsync(Uri, new Position(1, 10))).Items);

        Assert.Equal("Line(\"hi\");", item.InsertText);
        Assert.Equal(new Protocol.Range(new Position(1, 8), new Position(1, 10)), item.Range);
    }
}

public sealed class FramingTests
{
    private static byte[] Frame(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"), .. body];
    }

    private static string DidOpen(string uri, string text) =>
        JsonSerializer.Serialize(new { jsonrpc = "2.0", method = Methods.TextDocumentDidOpen, @params = new { textDocument = new { uri, languageId = "csharp", version = 1, text } } });

    [Fact]
    public async Task FrameSplitIntoTinyWrites_IsReassembled()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        var frame = Frame(DidOpen("file:///w/split.cs", "// ünïcödé 😀\nclass S { }"));

        for (var i = 0; i < frame.Length; i += 3)
        {
            await server.WriteRawAsync(frame[i..Math.Min(frame.Length, i + 3)]);
        }
        var list = await server.Client.CompleteAsync("file:///w/split.cs", new Position(1, 10));

        Assert.Equal("// ünïcödé 😀\nclass S { $$}", Assert.Single(list.Items).InsertText);
    }

    [Fact]
    public async Task SeveralFramesInOneWrite_WithAStrayBlankLine_AreAllRead()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        await server.WriteRawAsync([.. Frame(DidOpen("file:///w/a.cs", "a")), .. "\r\n"u8.ToArray(), .. Frame(DidOpen("file:///w/b.cs", "b"))]);

        Assert.Single((await server.Client.CompleteAsync("file:///w/a.cs", new Position(0, 1))).Items);
        Assert.Single((await server.Client.CompleteAsync("file:///w/b.cs", new Position(0, 1))).Items);
    }

    [Fact]
    public async Task BrokenHeaderFollowedByAFrameInTheSameWrite_ResynchronizesOnTheNextFrame()
    {
        await using var server = await InProcessServer.StartInitializedAsync();

        await server.WriteRawAsync([.. "garbage without colon\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray(), .. Frame(DidOpen("file:///w/c.cs", "c"))]);

        Assert.Single((await server.Client.CompleteAsync("file:///w/c.cs", new Position(0, 1))).Items);
    }
}
