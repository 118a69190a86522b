using System.Text;
using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Benchmarks.Wire;
using CodeLsp.Server.Tests.Infrastructure;
using Serilog.Events;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>
/// JSON-RPC 2.0 §5 and LSP's "ignore responses you did not ask for", over a raw client: each message is sent as written,
/// then a valid request must still be served. <c>Answer</c> is the error the message must get: its code and the id
/// (JSON text) it must carry, or null when the message must get no answer at all.
/// </summary>
public sealed class StrayAndInvalidMessageTests
{
    /// <summary><paramref name="Latin1"/>: the body's bytes are its chars as Latin-1, to send bytes that are not UTF-8.</summary>
    public sealed record Case(string Name, string Body, int? Code, string? AnswerId, string Logged, bool Latin1 = false)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("response to a request never sent", """{"jsonrpc":"2.0","id":12345,"result":null}""", null, null, "Ignored a response to request 12345"),
        new("error response to a request never sent", """{"jsonrpc":"2.0","id":"x-9","error":{"code":-32601,"message":"nope"}}""", null, null, "Ignored a response"),
        new("response with id null", """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}""", null, null, "invalid response"),
        new("response with a malformed error", """{"jsonrpc":"2.0","id":3,"error":"bad"}""", null, null, "invalid response"),
        new("not JSON", """{"jsonrpc":"2.0","method":""", LspErrorCodes.ParseError, "null", "malformed body"),
        new("invalid UTF-8 in a string", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"sh\u00FF\u00FEutdown\"}", LspErrorCodes.ParseError, "null", "not valid UTF-8", Latin1: true),
        new("JSON then junk", """{"jsonrpc":"2.0","id":1,"method":"shutdown"} trailing""", LspErrorCodes.ParseError, "null", "malformed body"),
        new("id is an object", """{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/inlineCompletion","params":{}}""", LspErrorCodes.InvalidRequest, "null", "invalid request (id is an object"),
        new("id is a boolean", """{"jsonrpc":"2.0","id":true,"method":"shutdown"}""", LspErrorCodes.InvalidRequest, "null", "invalid request"),
        new("id is an array", """{"jsonrpc":"2.0","id":[1],"method":"shutdown"}""", LspErrorCodes.InvalidRequest, "null", "invalid request"),
        new("id has a fraction", """{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}""", LspErrorCodes.InvalidRequest, "null", "invalid request"),
        new("id beyond 64 bits", """{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"shutdown"}""", LspErrorCodes.InvalidRequest, "null", "fits 64 bits"),
        new("id null on a request", """{"jsonrpc":"2.0","id":null,"method":"shutdown"}""", LspErrorCodes.InvalidRequest, "null", "invalid request"),
        new("method is a number", """{"jsonrpc":"2.0","id":77,"method":42}""", LspErrorCodes.InvalidRequest, "77", "method is not a string"),
        new("params is a string", """{"jsonrpc":"2.0","id":"p","method":"textDocument/inlineCompletion","params":"here"}""", LspErrorCodes.InvalidRequest, "\"p\"", "params is neither"),
        new("neither method nor result", """{"jsonrpc":"2.0","id":5}""", LspErrorCodes.InvalidRequest, "5", "neither a method"),
        new("a batch", """[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]""", LspErrorCodes.InvalidRequest, "null", "no batches"),
        new("a bare number", "42", LspErrorCodes.InvalidRequest, "null", "not a JSON object"),
        new("notification with params a number", """{"jsonrpc":"2.0","method":"textDocument/didOpen","params":3}""", null, null, "invalid notification"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Message_IsAnsweredAsTheSpecAsks_AndTheServerKeepsServing(Case @case)
    {
        await using var server = await WireServer.StartInitializedAsync();
        await server.Client.NotifyAsync(Methods.TextDocumentDidOpen, Open("file:///w/a.cs", "class C { }"));

        Task<JsonElement>? answer = @case.Code is not null && @case.AnswerId != "null" ? server.Client.Expect(@case.AnswerId!) : null;
        await server.Client.SendRawAsync(LspWireClient.Frame((@case.Latin1 ? Encoding.Latin1 : Encoding.UTF8).GetBytes(@case.Body)));
        var served = await server.Client.RequestAsync(Methods.TextDocumentInlineCompletion, Complete("file:///w/a.cs", 10)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("class C { $$}", served.GetProperty("result").GetProperty("items")[0].GetProperty("insertText").GetString());
        if (@case.Code is { } code)
        {
            var error = answer is null ? Assert.Single(server.Client.NullIdErrors) : await answer.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(code, error.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Equal(@case.AnswerId, error.GetProperty("id").GetRawText());
        }
        else
        {
            Assert.Empty(server.Client.NullIdErrors);
        }
        Assert.Empty(server.Client.UnmatchedResponses);
        Assert.Contains(server.Log.Messages(LogEventLevel.Warning), m => m.Contains(@case.Logged, StringComparison.Ordinal));
        Assert.False(server.Run.IsCompleted);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("")]
    [InlineData("::::")]
    public async Task A_relative_document_uri_answers_InvalidParams(string uri)
    {
        await using var server = await WireServer.StartInitializedAsync();

        var answer = await server.Client.RequestAsync(Methods.TextDocumentInlineCompletion, Complete(uri, 0)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(LspErrorCodes.InvalidParams, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("absolute document URI", answer.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ResponseToTheServersOwnRequest_StillReachesIt_WhileStrayOnesAreIgnored()
    {
        // With workDoneProgress the server asks window/workDoneProgress/create when a model load starts; the wire client answers it.
        await using var server = await WireServer.StartInitializedAsync();
        await server.Client.SendFrameAsync("""{"jsonrpc":"2.0","id":0,"result":null}""");

        server.Assistant.Raise(new Features.ModelStatus.Loading("/m.gguf", 0));
        var served = await server.Client.RequestAsync(Methods.Shutdown, null).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(JsonValueKind.Null, served.GetProperty("result").ValueKind);
        Assert.Contains(server.Log.Messages(LogEventLevel.Warning), m => m.Contains("Ignored a response to request 0", StringComparison.Ordinal));
    }

    private static object Open(string uri, string text) =>
        new { textDocument = new { uri, languageId = "csharp", version = 1, text } };

    private static object Complete(string uri, int character) =>
        new { textDocument = new { uri }, position = new { line = 0, character }, context = new { triggerKind = 1 } };
}
