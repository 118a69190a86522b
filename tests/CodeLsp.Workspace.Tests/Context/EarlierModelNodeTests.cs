using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// After an edit inside a body, code before the first change is read from the earlier tree, whose model keeps its
/// bindings across keystrokes; code in or after the change is bound speculatively.
/// </summary>
public class EarlierModelNodeTests
{
    private const string Before = """
        using System.Linq;
        using Shop;
        class C
        {
            void M(Order order)
            {
                var total = new[] { order }.Select(o => o.Lines.Count).Sum();
            }
        }
        """;

    // The user deletes the rest of the line after "o.Lines." and looks at the members of Lines.
    [Theory]
    [InlineData("o.Lines", true)]                 // the receiver: before the change
    [InlineData("o", true)]
    [InlineData("new[] { order }", true)]
    [InlineData("order", true)]
    [InlineData("Count", false)]                  // removed by the edit: only in the earlier text
    public async Task Nodes_before_the_change_come_from_the_earlier_tree(string nodeText, bool fromEarlier)
    {
        var document = TestSolution.Create(Before);
        var cache = new SemanticModelCache();
        var text = await document.GetTextAsync();
        Assert.NotNull(await cache.GetFullModelAsync(document, text, default));

        var caret = Before.IndexOf("o.Lines.", StringComparison.Ordinal) + "o.Lines.".Length;
        var lineEnd = Before.IndexOf(".Sum();", StringComparison.Ordinal) + ".Sum();".Length;
        var editedText = text.WithChanges(new TextChange(TextSpan.FromBounds(caret, lineEnd), ""));
        var edited = document.WithText(editedText);
        var root = (CompilationUnitSyntax)(await edited.GetSyntaxRootAsync())!;
        var speculation = cache.TryReuse(edited, editedText, root, caret);
        Assert.NotNull(speculation);

        var node = root.DescendantNodes().OfType<ExpressionSyntax>().FirstOrDefault(n => n.ToString() == nodeText);
        if (node is null)
        {
            Assert.False(fromEarlier); // gone from the edited text
            return;
        }
        var earlier = speculation.InBase(node, default);
        Assert.Equal(fromEarlier, earlier is not null);
        if (earlier is null) return;
        Assert.Same(speculation.BaseModel.SyntaxTree, earlier.SyntaxTree);
        Assert.Equal(node.Span, earlier.Span);
        Assert.Equal(node.Kind(), earlier.Kind());
        // Same compilation: the earlier model's answer is the speculative model's answer.
        Assert.Equal(speculation.Model.GetTypeInfo(node).Type, speculation.BaseModel.GetTypeInfo(earlier).Type, SymbolEqualityComparer.Default);
    }

    [Fact]
    public async Task A_node_that_reaches_into_the_change_is_bound_speculatively()
    {
        var document = TestSolution.Create(Before);
        var cache = new SemanticModelCache();
        var text = await document.GetTextAsync();
        await cache.GetFullModelAsync(document, text, default);
        var at = Before.IndexOf("o.Lines.Count", StringComparison.Ordinal) + "o.Li".Length;
        var editedText = text.WithChanges(new TextChange(new TextSpan(at, 0), "ne"));   // o.Lines → o.Linenes
        var edited = document.WithText(editedText);
        var root = (CompilationUnitSyntax)(await edited.GetSyntaxRootAsync())!;
        var speculation = cache.TryReuse(edited, editedText, root, at + 2)!;

        var access = root.DescendantNodes().OfType<MemberAccessExpressionSyntax>().First(m => m.ToString() == "o.Linenes");
        Assert.Null(speculation.InBase(access, default));
        Assert.NotNull(speculation.InBase(access.Expression, default)); // "o" ends before the change
    }
}
