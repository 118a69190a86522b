using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// What the context builder keeps between requests: one semantic model per document, each holding its whole
/// compilation. A model goes when its document is closed, or when another document changed since its snapshot
/// (it could never be reused again); it stays while only its own document changed (typing in it reuses it).
/// </summary>
public sealed class SemanticModelCacheTests
{
    private const string Current = """
        using Shop;
        class C
        {
            void M(Order order)
            {
                order.
            }
        }
        """;

    private const string Other = """
        using Shop;
        class D
        {
            void N(Money money)
            {
                money.
            }
        }
        """;

    /// <summary>
    /// Steps, in order: "ask X" builds the context in document X (C = Current.cs, D = Other0.cs) on the latest
    /// snapshot; "type X" edits inside X's method body; "close X" tells the builder X was closed.
    /// </summary>
    [Theory]
    [InlineData("ask C", 1, 0)]
    [InlineData("ask C; ask D", 2, 0)]
    [InlineData("ask C; close C", 0, 0)]
    [InlineData("ask C; ask D; close C", 1, 0)]
    [InlineData("ask C; type D; ask D", 1, 0)]          // D changed since C's snapshot: C's model is dead
    [InlineData("ask C; type C; ask D", 2, 0)]          // only C changed since C's snapshot: C's model is kept…
    [InlineData("ask C; type C; ask D; type C; ask C", 2, 1)] // …and reused when typing in C goes on
    [InlineData("ask C; ask D; type D; ask D; type C; ask C", 1, 1)] // D reused its model; then both changed: C gets a new one and D's goes
    [InlineData("ask C; close C; type C; ask C", 1, 0)] // closed: nothing to reuse, a full model again
    public async Task Keeps_only_models_that_can_be_reused(string steps, int expectedModels, int expectedReused)
    {
        var current = TestSolution.Create(Current, Other);
        var solution = current.Project.Solution;
        var ids = new Dictionary<string, DocumentId>
        {
            ["C"] = current.Id,
            ["D"] = solution.GetDocumentIdsWithFilePath("/src/Test/Other0.cs").Single(),
        };
        var builder = new SemanticContextBuilder();
        foreach (var step in steps.Split(';', StringSplitOptions.TrimEntries))
        {
            var (verb, name) = (step.Split(' ')[0], step.Split(' ')[1]);
            var document = solution.GetDocument(ids[name])!;
            var text = await document.GetTextAsync();
            var caret = text.ToString().IndexOf(".\n", StringComparison.Ordinal) + 1;
            switch (verb)
            {
                case "ask":
                    await builder.CollectAsync(document, caret, ContextRequest.Default, default);
                    break;
                case "type":
                    // Inside the body, before the member access: the caret's statement stays as it was.
                    var body = text.ToString().IndexOf("{\n        ", text.ToString().IndexOf("void ", StringComparison.Ordinal), StringComparison.Ordinal) + 1;
                    solution = solution.WithDocumentText(ids[name], text.WithChanges(new TextChange(new TextSpan(body, 0), "\n        var x = 1;")));
                    break;
                case "close":
                    builder.DocumentClosed(document.FilePath!);
                    break;
                default:
                    throw new ArgumentException($"Unknown step '{step}'");
            }
        }
        Assert.Equal(expectedModels, builder.CachedModels);
        Assert.Equal(expectedReused, builder.ReusedModels);
    }
}
