using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using Range = CodeLsp.Protocol.Range;

namespace CodeLsp.Server.Tests;

/// <summary>
/// Data-driven text sync: open a document, send changes, then ask for a completion at the "$$" of the expected markup.
/// The fake assistant echoes the document with "$$" at the offset it received, so one string checks the synced text
/// and the position-to-offset conversion (UTF-16 columns, CRLF) together.
/// </summary>
public sealed class TextSyncTests
{
    public sealed record Case(string Name, string Uri, string LanguageId, string Initial, TextDocumentContentChangeEvent[][] Changes, string ExpectedMarkup)
    {
        public override string ToString() => Name;
    }

    private static TextDocumentContentChangeEvent Edit(int startLine, int startChar, int endLine, int endChar, string text) =>
        new() { Range = new Range(new Position(startLine, startChar), new Position(endLine, endChar)), Text = text };

    private static TextDocumentContentChangeEvent Full(string text) => new() { Text = text };

    public static TheoryData<Case> Cases => new()
    {
        new("no changes", "file:///w/a.cs", "csharp", "class C { }", [], "class C { $$}"),
        new("full replacement", "file:///w/a.cs", "csharp", "old", [[Full("class D\n{\n}\n")]], "class D\n{$$\n}\n"),
        new("insert in the middle", "file:///w/a.cs", "csharp", "class C { }", [[Edit(0, 10, 0, 10, "int x; ")]], "class C { int x; $$}"),
        new("delete across lines", "file:///w/a.cs", "csharp", "a\nbb\nccc", [[Edit(0, 1, 2, 1, "")]], "acc$$"),
        new("CRLF line ends", "file:///w/a.cs", "csharp", "class C\r\n{\r\n}\r\n", [[Edit(1, 1, 1, 1, " int y;")]], "class C\r\n{ int y;$$\r\n}\r\n"),
        new("mixed CR, LF, CRLF", "file:///w/a.cs", "csharp", "a\rb\nc\r\nd", [[Edit(3, 0, 3, 0, ">")]], "a\rb\nc\r\n>$$d"),
        new("tabs are one column", "file:///w/a.cs", "csharp", "\t\tint x;", [[Edit(0, 2, 0, 5, "var")]], "\t\tvar$$ x;"),
        new("emoji counts two UTF-16 units", "file:///w/a.cs", "csharp", "var s = \"😀\";", [[Edit(0, 11, 0, 11, "!")]], "var s = \"😀!$$\";"),
        new("insert at document end", "file:///w/a.cs", "csharp", "class C\n{\n", [[Edit(2, 0, 2, 0, "}")]], "class C\n{\n}$$"),
        new("several changes in one didChange apply in order", "file:///w/a.cs", "csharp", "abc",
            [[Edit(0, 3, 0, 3, "d"), Edit(0, 0, 0, 1, "A"), Edit(0, 4, 0, 4, "\nline2")]], "Abcd\nline2$$"),
        new("full then incremental in one didChange", "file:///w/a.cs", "csharp", "x", [[Full("hello"), Edit(0, 5, 0, 5, " world")]], "hello world$$"),
        new("several didChange with version jumps", "file:///w/a.cs", "csharp", "a",
            [[Edit(0, 1, 0, 1, "b")], [Edit(0, 2, 0, 2, "c")], [Edit(0, 0, 0, 0, "_")]], "_abc$$"),
        new("languageId cs", "file:///w/a.txt", "cs", "int a;", [], "int a;$$"),
        new(".cs uri with languageId plaintext", "file:///w/Program.cs", "plaintext", "int b;", [], "int b;$$"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CompletionSeesTheSyncedText(Case @case)
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync(@case.Uri, @case.Initial, @case.LanguageId, version: 1);
        var version = 1;
        foreach (var changes in @case.Changes)
        {
            version += 3; // clients may skip versions
            await server.Client.ChangeAsync(@case.Uri, version, changes);
        }
        var (_, caret) = Markup.Parse(@case.ExpectedMarkup);

        var list = await server.Client.CompleteAsync(@case.Uri, caret);

        var item = Assert.Single(list.Items);
        Assert.Equal(@case.ExpectedMarkup, item.InsertText);
        Assert.Equal(new Range(caret, caret), item.Range);
        var query = Assert.Single(server.Assistant.Queries);
        Assert.Equal(version, query.Document.Version);
    }

    [Fact]
    public async Task NonCSharpDocument_GetsEmptyList_WithoutAskingTheAssistant()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/readme.md", "# title", "markdown");

        var list = await server.Client.CompleteAsync("file:///w/readme.md", new Position(0, 2));

        Assert.Empty(list.Items);
        Assert.Empty(server.Assistant.Queries);
    }

    [Fact]
    public async Task ClosedOrUnknownDocument_GetsEmptyList()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/a.cs", "class C { }");
        await server.Client.NotifyAsync(Methods.TextDocumentDidSave, new DidSaveTextDocumentParams { TextDocument = new() { Uri = new Uri("file:///w/a.cs") } });
        await server.Client.NotifyAsync(Methods.TextDocumentDidClose, new DidCloseTextDocumentParams { TextDocument = new() { Uri = new Uri("file:///w/a.cs") } });

        var closed = await server.Client.CompleteAsync("file:///w/a.cs", new Position(0, 0));
        var unknown = await server.Client.CompleteAsync("file:///w/never.cs", new Position(0, 0));

        Assert.Empty(closed.Items);
        Assert.Empty(unknown.Items);
        Assert.Empty(server.Assistant.Queries);
    }

    [Fact]
    public async Task TriggerKindAndSelectedCompletionInfo_ReachTheAssistant()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/a.cs", "Console.Wr");

        await server.Client.RequestAsync<InlineCompletionList>(Methods.TextDocumentInlineCompletion, new InlineCompletionParams
        {
            TextDocument = new() { Uri = new Uri("file:///w/a.cs") },
            Position = new Position(0, 10),
            Context = new InlineCompletionContext
            {
                TriggerKind = InlineCompletionTriggerKind.Invoked,
                SelectedCompletionInfo = new SelectedCompletionInfo { Range = new Range(new Position(0, 8), new Position(0, 10)), Text = "WriteLine" },
            },
        });

        var query = Assert.Single(server.Assistant.Queries);
        Assert.Equal(Features.Completion.CompletionTrigger.Invoked, query.Trigger);
        Assert.Equal(10, query.Offset);
        Assert.Equal(new Microsoft.CodeAnalysis.Text.TextSpan(8, 2), query.Selected!.Range);
        Assert.Equal("WriteLine", query.Selected.Text);
    }

    [Theory]
    [InlineData(5, 0, "line")]
    [InlineData(0, 12, "line 0 has 11")]
    public async Task PositionOutsideTheDocument_AnswersInvalidParams(int line, int character, string expectedInMessage)
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/a.cs", "class C { }\n");

        var (code, message) = await RpcErrors.CatchAsync(
            () => server.Client.CompleteAsync("file:///w/a.cs", new Position(line, character)));

        Assert.Equal(LspErrorCodes.InvalidParams, code);
        Assert.Contains($"Position {line}:{character} is outside the document", message);
        Assert.Contains(expectedInMessage, message);
    }
}
