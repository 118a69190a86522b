using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// Ranking rules as data: markup with a caret, other files of the solution (which the usage index counts), and two
/// pieces of item text, the first of which must score higher.
/// </summary>
public sealed class ContextRankingTests
{
    private const string UsesTotalOften = """
        using Shop;
        class Report
        {
            decimal Sum(Order a, Order b, Order c) => a.Total().Amount + b.Total().Amount + c.Total().Amount + a.Total().Amount;
        }
        """;

    private const string UsesInsertOften = """
        class Text
        {
            void M(System.Text.StringBuilder sb) { sb.Insert(0, "a"); sb.Insert(0, "b"); sb.Insert(1, "c"); sb.Insert(2, "d"); }
        }
        """;

    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        // name, markup, another file of the solution, higher, lower
        { "a receiver's member the solution calls ranks above one it never calls", """
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """, UsesTotalOften, "Money Total()", "void AddLine(string sku, int quantity)" },
        { "a framework receiver's used member ranks above its unused ones", """
            class C { void M(System.Text.StringBuilder sb) { sb.$$ } }
            """, UsesInsertOften, "Insert(int index, string? value)", "Append(string? value)" },
        { "the receiver's own members rank above members one step further", """
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """, "class Empty { }", "OrderStatus Status", "int Quantity" },
        { "the expected enum ranks above the locals", """
            using Shop;
            class C { void M(Order order) { order.Status = $$ } }
            """, "class Empty { }", "enum OrderStatus { Draft, Placed, Shipped }", "In scope:" },
        { "a namespace the solution uses ranks above one it does not", """
            class C { void M() { System.$$ } }
            """, UsesInsertOften, "namespace System.Text;", "namespace System.Buffers;" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Ranks_first_above_second(string name, string markup, string otherFile, string higher, string lower)
    {
        var (text, caret) = Markup.Parse(markup);
        var document = TestSolution.Create(text, otherFile);
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
        var high = items.Where(i => i.Text.Contains(higher, StringComparison.Ordinal)).Select(i => i.Score).DefaultIfEmpty(double.NaN).Max();
        var low = items.Where(i => i.Text.Contains(lower, StringComparison.Ordinal)).Select(i => i.Score).DefaultIfEmpty(double.NaN).Max();
        Assert.False(double.IsNaN(high), $"{name}: no item with '{higher}'");
        Assert.False(double.IsNaN(low), $"{name}: no item with '{lower}'");
        Assert.True(high > low, $"{name}: '{higher}' {high:F3} <= '{lower}' {low:F3}");
    }

    [Fact]
    public async Task The_best_item_is_rendered_last_and_the_worst_is_cut_first()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """);
        var document = TestSolution.Create(text, UsesTotalOften);
        var builder = new SemanticContextBuilder();
        var items = await builder.CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
        var best = items.MaxBy(i => i.Score)!;
        foreach (var tokens in new[] { 60, 120, 400 })
        {
            var packed = ContextPacker.Pack(items, ContextBudget.Estimated(tokens));
            Assert.True(packed.Tokens <= tokens, $"{packed.Tokens} > {tokens}");
            var lastLine = packed.Rendered.TrimEnd('\n').Split('\n').Where(l => !l.TrimEnd().EndsWith('}')).Last();
            Assert.Contains(best.Text.Split('\n')[0].Trim(), lastLine, StringComparison.Ordinal);
            Assert.True(packed.Items.Single(i => i.Text == best.Text && i.Kind == best.Kind).Included, $"the best item was cut at {tokens} tokens");
        }
    }

    [Fact]
    public async Task Members_whose_declarations_do_not_fit_are_listed_by_name()
    {
        var (text, caret) = Markup.Parse("""
            class C { void M(System.Text.StringBuilder sb) { sb.$$ } }
            """);
        var document = TestSolution.Create(text, UsesInsertOften);
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
        var packed = ContextPacker.Pack(items, ContextBudget.Estimated(120));
        Assert.True(packed.Tokens <= 120, $"{packed.Tokens} > 120");
        var compact = packed.Items.Where(i => i.Compact).ToList();
        Assert.NotEmpty(compact);
        Assert.All(compact, i => Assert.Contains(i.Name!, packed.Rendered, StringComparison.Ordinal));
        Assert.Contains("// More in StringBuilder: ", packed.Rendered, StringComparison.Ordinal);
        // The best member is packed with its declaration, not just its name.
        var best = packed.Items.MaxBy(i => i.Score)!;
        Assert.True(best.Included && !best.Compact, best.Text);
    }

    [Fact]
    public void The_estimate_counts_three_and_a_half_characters_per_token_rounded_up()
    {
        Assert.Equal(0, ContextBudget.EstimateTokens(""));
        Assert.Equal(1, ContextBudget.EstimateTokens("abc"));
        Assert.Equal(2, ContextBudget.EstimateTokens("abcd"));
        Assert.Equal(2, ContextBudget.EstimateTokens("abcdefg"));
        Assert.Equal(293, ContextBudget.EstimateTokens(new string('x', 1024)));
        Assert.Equal(ContextBudget.EstimateName, ContextBudget.Estimated(512).Tokenizer);
    }

    [Fact]
    public async Task The_usage_index_counts_uses_once_per_file_and_follows_edits()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C { void M(Order order) { order.Total(); $$ } }
            """);
        var document = TestSolution.Create(text, UsesTotalOften);
        var builder = new SemanticContextBuilder();
        await builder.CollectAsync(document, caret, ContextRequest.Default, default);
        Assert.Equal(5, builder.UsesOf("Total"));
        Assert.Equal(0, builder.UsesOf("Sum")); // a declaration is no use

        var source = await document.GetTextAsync();
        var edited = document.WithText(source.WithChanges(new TextChange(new TextSpan(caret, 0), "order.Total(); order.Total();")));
        await builder.CollectAsync(edited, caret, ContextRequest.Default, default);
        Assert.Equal(7, builder.UsesOf("Total"));

        // The same file linked into a second project (another target framework) counts once.
        var solution = edited.Project.Solution;
        var second = ProjectId.CreateNewId();
        solution = solution.AddProject(ProjectInfo.Create(second, VersionStamp.Create(), "Test2", "Test2", LanguageNames.CSharp, metadataReferences: edited.Project.MetadataReferences))
            .AddDocument(DocumentId.CreateNewId(second), "Current.cs", await edited.GetTextAsync(), filePath: edited.FilePath);
        await builder.CollectAsync(solution.GetDocument(edited.Id)!, caret, ContextRequest.Default, default);
        Assert.Equal(7, builder.UsesOf("Total"));
    }

    [Fact]
    public async Task An_edit_reuses_the_earlier_model_when_the_file_is_linked_into_several_projects()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C
            {
                void M(Order order)
                {
                    $$
                }
            }
            """);
        var document = TestSolution.Create(text);
        // A multi-targeted project: the same file in a second project, as MSBuild loads one project per target framework.
        var second = ProjectId.CreateNewId();
        var solution = document.Project.Solution.AddProject(ProjectInfo.Create(second, VersionStamp.Create(), "Test(net9.0)", "Test", LanguageNames.CSharp,
                compilationOptions: document.Project.CompilationOptions, parseOptions: document.Project.ParseOptions, metadataReferences: document.Project.MetadataReferences));
        var linked = DocumentId.CreateNewId(second);
        solution = solution.AddDocument(linked, "Current.cs", await document.GetTextAsync(), filePath: document.FilePath);
        foreach (var library in document.Project.Documents.Where(d => d.Id != document.Id))
            solution = solution.AddDocument(DocumentId.CreateNewId(second), library.Name, await library.GetTextAsync(), filePath: library.FilePath);
        document = solution.GetDocument(document.Id)!;
        var builder = new SemanticContextBuilder();
        await builder.CollectAsync(document, caret, ContextRequest.Default, default);

        // The editor's text goes to every copy of the file, as WorkspaceHost does.
        var typed = "order.";
        var edited = (await document.GetTextAsync()).WithChanges(new TextChange(new TextSpan(caret, 0), typed));
        solution = document.Project.Solution.WithDocumentText([document.Id, linked], edited, PreservationMode.PreserveIdentity);
        var items = await builder.CollectAsync(solution.GetDocument(document.Id)!, caret + typed.Length, ContextRequest.Default, default);
        Assert.Equal(1, builder.ReusedModels);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("AddLine(", StringComparison.Ordinal));
    }

    private static TextSpan LineOf(string text, int caret) => SourceText.From(text).Lines.GetLineFromPosition(caret).SpanIncludingLineBreak;
}
