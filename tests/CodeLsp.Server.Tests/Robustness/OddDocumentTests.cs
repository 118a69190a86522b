using CodeLsp.Protocol;
using CodeLsp.Server.Handlers.InlineCompletion;
using CodeLsp.Server.Tests.Infrastructure;
using Serilog.Events;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>Odd documents in process (<c>codelsp bench odd-files</c> measures them on the real executable with a model).</summary>
public sealed class OddDocumentTests
{
    [Fact]
    public async Task A_document_over_the_size_limit_gets_no_suggestion_and_one_warning_while_others_are_served()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        var big = "class Big\n{\n" + string.Concat(Enumerable.Repeat("    int f;\n", InlineCompletionHandler.MaxDocumentChars / 10)) + "}\n";
        await server.Client.OpenAsync("file:///w/Big.cs", big);
        await server.Client.OpenAsync("file:///w/Small.cs", "class S { }");

        var first = await server.Client.CompleteAsync("file:///w/Big.cs", new Position(1, 1));
        var second = await server.Client.CompleteAsync("file:///w/Big.cs", new Position(2, 1));
        var small = await server.Client.CompleteAsync("file:///w/Small.cs", new Position(0, 10));

        Assert.Empty(first.Items);
        Assert.Empty(second.Items);
        Assert.Single(small.Items);
        Assert.DoesNotContain(server.Assistant.Queries, q => q.Document.Uri.AbsolutePath.EndsWith("Big.cs", StringComparison.Ordinal));
        Assert.Single(server.Log.Messages(LogEventLevel.Warning), m => m.Contains("No suggestions in", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("class R\r{\r    void M()\r    {\r        \r    }\r}\r", 4, 8, "class R\r{\r    void M()\r    {\r        $$\r    }\r}\r")]
    [InlineData("\0\u0001\u00ff\u00fe\u0007abc", 0, 8, "\0\u0001\u00ff\u00fe\u0007abc$$")]
    public async Task Carriage_return_line_ends_and_binary_text_are_served(string text, int line, int character, string expected)
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        await server.Client.OpenAsync("file:///w/Odd.cs", text);

        var list = await server.Client.CompleteAsync("file:///w/Odd.cs", new Position(line, character));

        Assert.Equal(expected, Assert.Single(list.Items).InsertText);
    }
}
