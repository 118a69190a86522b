using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeLsp.Protocol.Tests;

/// <summary>
/// JSON shapes from the LSP 3.18 specification's type definitions, read into our types and written back unchanged.
/// </summary>
public sealed class JsonRoundTripTests
{
    private static T RoundTrip<T>(string json)
    {
        var value = JsonSerializer.Deserialize<T>(json, LspJson.Options)!;
        var written = JsonSerializer.Serialize(value, LspJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), $"expected {json}\nwritten  {written}");
        return value;
    }

    private static void AssertWrites(object value, string expectedJson)
    {
        var written = JsonSerializer.Serialize(value, value.GetType(), LspJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), JsonNode.Parse(written)), $"expected {expectedJson}\nwritten  {written}");
    }

    [Fact]
    public void Location_WithRange()
    {
        var location = RoundTrip<Location>("""{ "uri": "file:///p/a.cs", "range": { "start": { "line": 5, "character": 23 }, "end": { "line": 6, "character": 0 } } }""");
        Assert.Equal(new Position(5, 23), location.Range.Start);
        Assert.Equal("file:///p/a.cs", location.Uri.OriginalString);
    }

    [Fact]
    public void DidOpen()
    {
        var open = RoundTrip<DidOpenTextDocumentParams>(
            """{ "textDocument": { "uri": "file:///p/a.cs", "languageId": "csharp", "version": 1, "text": "class C\r\n{\r\n}" } }""");
        Assert.Equal("csharp", open.TextDocument.LanguageId);
        Assert.Equal("class C\r\n{\r\n}", open.TextDocument.Text);
    }

    [Fact]
    public void DidChange_IncrementalAndFull()
    {
        var change = RoundTrip<DidChangeTextDocumentParams>("""
            { "textDocument": { "uri": "file:///p/a.cs", "version": 7 },
              "contentChanges": [
                { "range": { "start": { "line": 0, "character": 3 }, "end": { "line": 0, "character": 3 } }, "rangeLength": 0, "text": "x" },
                { "text": "whole new text" } ] }
            """);
        Assert.Equal(7, change.TextDocument.Version);
        Assert.NotNull(change.ContentChanges[0].Range);
        Assert.Null(change.ContentChanges[1].Range);
        Assert.Equal("whole new text", change.ContentChanges[1].Text);
    }

    [Fact]
    public void DidCloseAndDidSave()
    {
        RoundTrip<DidCloseTextDocumentParams>("""{ "textDocument": { "uri": "file:///p/a.cs" } }""");
        Assert.Equal("saved", RoundTrip<DidSaveTextDocumentParams>("""{ "textDocument": { "uri": "file:///p/a.cs" }, "text": "saved" }""").Text);
        Assert.Null(RoundTrip<DidSaveTextDocumentParams>("""{ "textDocument": { "uri": "file:///p/a.cs" } }""").Text);
    }

    [Fact]
    public void Initialize_KeepsTypedCapabilitiesAndTheRestRaw()
    {
        var initialize = RoundTrip<InitializeParams>("""
            { "processId": 4242, "clientInfo": { "name": "Visual Studio Code", "version": "1.96.0" }, "locale": "en",
              "rootPath": "/p", "rootUri": "file:///p",
              "workspaceFolders": [ { "uri": "file:///p", "name": "p" } ],
              "capabilities": {
                "general": { "positionEncodings": [ "utf-16" ] },
                "window": { "workDoneProgress": true, "showMessage": { "messageActionItem": { "additionalPropertiesSupport": true } } },
                "textDocument": { "inlineCompletion": { "dynamicRegistration": true }, "synchronization": { "didSave": true } } },
              "initializationOptions": { "codelsp": { "modelPath": "/m/a.gguf" } },
              "trace": "off" }
            """);
        Assert.Equal(4242, initialize.ProcessId);
        Assert.True(initialize.Capabilities.Window!.WorkDoneProgress);
        Assert.True(initialize.Capabilities.TextDocument!.InlineCompletion!.DynamicRegistration);
        Assert.True(initialize.Capabilities.Other!.ContainsKey("general"));
        Assert.Equal("/m/a.gguf", initialize.InitializationOptions!.Value.GetProperty("codelsp").GetProperty("modelPath").GetString());
    }

    [Fact]
    public void Initialize_NullProcessIdAndMinimalCapabilities()
    {
        var initialize = JsonSerializer.Deserialize<InitializeParams>("""{ "processId": null, "rootUri": null, "capabilities": {} }""", LspJson.Options)!;
        Assert.Null(initialize.ProcessId);
        Assert.Null(initialize.Capabilities.Window);
        Assert.Null(initialize.InitializationOptions);
    }

    [Fact]
    public void InitializeResult_WritesTheServerCapabilities()
    {
        AssertWrites(new InitializeResult
        {
            Capabilities = new ServerCapabilities
            {
                TextDocumentSync = new TextDocumentSyncOptions { OpenClose = true, Change = TextDocumentSyncKind.Incremental, Save = new SaveOptions() },
                InlineCompletionProvider = new InlineCompletionOptions(),
            },
            ServerInfo = new ServerInfo { Name = "codelsp", Version = "0.1.0" },
        }, """
            { "capabilities": { "textDocumentSync": { "openClose": true, "change": 2, "save": { "includeText": false } }, "inlineCompletionProvider": {} },
              "serverInfo": { "name": "codelsp", "version": "0.1.0" } }
            """);
    }

    [Fact]
    public void InlineCompletionParams_WithSelectedCompletionInfo()
    {
        var request = RoundTrip<InlineCompletionParams>("""
            { "textDocument": { "uri": "file:///p/a.cs" }, "position": { "line": 3, "character": 12 },
              "context": { "triggerKind": 1,
                           "selectedCompletionInfo": { "range": { "start": { "line": 3, "character": 8 }, "end": { "line": 3, "character": 12 } }, "text": "WriteLine" } } }
            """);
        Assert.Equal(InlineCompletionTriggerKind.Invoked, request.Context.TriggerKind);
        Assert.Equal("WriteLine", request.Context.SelectedCompletionInfo!.Text);
    }

    [Fact]
    public void InlineCompletionParams_WithoutContextDefaultsToAutomatic()
    {
        var request = JsonSerializer.Deserialize<InlineCompletionParams>(
            """{ "textDocument": { "uri": "file:///p/a.cs" }, "position": { "line": 0, "character": 0 } }""", LspJson.Options)!;
        Assert.Equal(InlineCompletionTriggerKind.Automatic, request.Context.TriggerKind);
    }

    [Fact]
    public void InlineCompletionList_OmitsNulls()
    {
        RoundTrip<InlineCompletionList>("""
            { "items": [
                { "insertText": "Line(\"hi\");", "filterText": "WriteLine", "range": { "start": { "line": 3, "character": 8 }, "end": { "line": 3, "character": 12 } },
                  "command": { "title": "Accepted", "command": "codelsp.accepted", "arguments": [ "id-1", 2 ] } },
                { "insertText": "x" } ] }
            """);
        AssertWrites(new InlineCompletionItem { InsertText = "x" }, """{ "insertText": "x" }""");
    }

    [Theory]
    [InlineData("""{ "token": "load-1", "value": { "kind": "begin", "title": "Loading model", "cancellable": false, "message": "a.gguf", "percentage": 0 } }""", typeof(WorkDoneProgressBegin))]
    [InlineData("""{ "token": 7, "value": { "kind": "report", "percentage": 50 } }""", typeof(WorkDoneProgressReport))]
    [InlineData("""{ "token": "load-1", "value": { "kind": "end", "message": "Loaded" } }""", typeof(WorkDoneProgressEnd))]
    public void Progress_KindSelectsTheValueType(string json, Type expected)
    {
        Assert.IsType(expected, RoundTrip<ProgressParams>(json).Value);
    }

    [Fact]
    public void Progress_KindNeedNotComeFirst()
    {
        var progress = JsonSerializer.Deserialize<ProgressParams>("""{ "value": { "percentage": 10, "kind": "report" }, "token": "t" }""", LspJson.Options)!;
        Assert.Equal(10, Assert.IsType<WorkDoneProgressReport>(progress.Value).Percentage);
        Assert.Equal("t", progress.Token.String);
    }

    [Fact]
    public void WorkDoneProgressCreate_AndCancel_TakeIntegerOrStringIds()
    {
        Assert.Equal("abc", RoundTrip<WorkDoneProgressCreateParams>("""{ "token": "abc" }""").Token.String);
        Assert.Equal(12L, RoundTrip<CancelParams>("""{ "id": 12 }""").Id.Integer);
        Assert.Equal("r-1", RoundTrip<CancelParams>("""{ "id": "r-1" }""").Id.String);
    }

    [Fact]
    public void WindowMessagesAndTrace()
    {
        Assert.Equal(MessageType.Error, RoundTrip<ShowMessageParams>("""{ "type": 1, "message": "Model not found" }""").Type);
        Assert.Equal(MessageType.Log, RoundTrip<LogMessageParams>("""{ "type": 4, "message": "ready" }""").Type);
        Assert.Equal("verbose", RoundTrip<SetTraceParams>("""{ "value": "verbose" }""").Value);
    }

    [Fact]
    public void DidChangeConfiguration_KeepsSettingsRaw()
    {
        var change = RoundTrip<DidChangeConfigurationParams>("""{ "settings": { "codelsp": { "modelPath": "/m/a.gguf", "server": { "logLevel": "debug" } } } }""");
        Assert.Equal("debug", change.Settings!.Value.GetProperty("codelsp").GetProperty("server").GetProperty("logLevel").GetString());
    }

    [Fact]
    public void ErrorCodes_MatchTheSpec()
    {
        Assert.Equal(-32002, LspErrorCodes.ServerNotInitialized);
        Assert.Equal(-32800, LspErrorCodes.RequestCancelled);
        Assert.Equal(-32801, LspErrorCodes.ContentModified);
        Assert.Equal(-32602, LspErrorCodes.InvalidParams);
        Assert.Equal(-32601, LspErrorCodes.MethodNotFound);
    }
}
