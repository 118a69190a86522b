using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// One case per item kind and per tricky code shape: markup with a caret, and an item the context must offer
/// (kind + a piece of its text). The visible window is the caret's line only, so declarations elsewhere in the
/// file count as "not in the prompt" and show up as items.
/// </summary>
public sealed class SemanticContextBuilderTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, markup, kind, expected text
        { "receiver members after a dot", """
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """, ContextItemKinds.ReceiverMember, "public void AddLine(string sku, int quantity); // Adds a line or raises its quantity." },
        { "inherited members of the receiver", """
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """, ContextItemKinds.ReceiverMember, "public void Touch();" },
        { "extension methods in scope", """
            using Shop;
            class C { void M(Money price) { var p = price.$$ } }
            """, ContextItemKinds.ReceiverMember, "public static Money WithDiscount(this Money money, decimal percent); // Applies a percentage discount." },
        { "static members after a type name", """
            using Shop;
            class C { void M() { var zero = Money.$$ } }
            """, ContextItemKinds.ReceiverMember, "public static Money Zero(string currency);" },
        { "enum members", """
            using Shop;
            class C { void M(Order order) { order.Status = OrderStatus.$$ } }
            """, ContextItemKinds.ReceiverMember, "OrderStatus.Shipped" },
        { "members of a generic receiver are substituted", """
            using Shop;
            class C { void M(IRepository<Order> orders) { var o = orders.$$ } }
            """, ContextItemKinds.ReceiverMember, "Order? Find(int id);" },
        { "conditional access", """
            using Shop;
            class C { void M(Order? order) { var n = order?.$$ } }
            """, ContextItemKinds.ReceiverMember, "public Money Total();" },
        { "partially typed member name", """
            using Shop;
            class C { void M(Order order) { order.Add$$ } }
            """, ContextItemKinds.ReceiverMember, "AddLine" },
        { "overloads while typing arguments", """
            using Shop;
            class C { void M(Money m) { var s = Formatter.Format(m, $$ } }
            """, ContextItemKinds.Overload, "public static string Format(Money money, string culture);" },
        { "constructor overloads", """
            using Shop;
            class C { void M() { var line = new OrderLine($$ } }
            """, ContextItemKinds.Overload, "OrderLine(string Sku, int Quantity, Money Price);" },
        { "locals and parameters with var resolved", """
            using Shop;
            class C { void M(int count) { var builder = new Order.Builder(); var total = Money.Zero("EUR"); $$ } }
            """, ContextItemKinds.Locals, "Order.Builder builder, Money total" },
        { "members referenced in the method, declared elsewhere", """
            using Shop;
            class C
            {
                void M(IRepository<Order> orders)
                {
                    var order = orders.Find(1);
                    System.Console.WriteLine($$);
                }
            }
            """, ContextItemKinds.Referenced, "Find(int id);" },
        { "members of the types in use", """
            using Shop;
            class C
            {
                void M(IRepository<Order> orders)
                {
                    var order = orders.Find(1);
                    $$
                }
            }
            """, ContextItemKinds.TypeMember, "public IReadOnlyList<OrderLine> Lines { get; }" },
        { "enclosing member signature when its header is out of view", """
            using Shop;
            class C
            {
                /// <summary>Prices an order.</summary>
                public Money Price(Order order, decimal discount)
                {
                    var total = order.Total();
                    $$
                }
            }
            """, ContextItemKinds.EnclosingMember, "public Money Price(Order order, decimal discount); // Prices an order." },
        { "outline of the enclosing type", """
            using Shop;
            class Checkout
            {
                private readonly IRepository<Order> _orders = null!;
                public int Attempts { get; private set; }
                void M()
                {
                    $$
                }
                public bool Retry(int times) => false;
            }
            """, ContextItemKinds.TypeOutline, "public bool Retry(int times);" },
        { "usings and namespace above the window", """
            using System.Text;
            using Shop;

            namespace App.Billing;

            class C
            {
                void M()
                {
                    $$
                }
            }
            """, ContextItemKinds.Usings, "using System.Text;\nusing Shop;\nnamespace App.Billing;" },
        { "unfinished statement before other code", """
            using Shop;
            class C
            {
                void M(Order order)
                {
                    order.$$
                    var x = 1;
                }
            }
            """, ContextItemKinds.ReceiverMember, "public Money Total();" },
        { "missing closing braces", """
            using Shop;
            class C
            {
                void M(Order order)
                {
                    if (order.Lines.Count > 0)
                    {
                        order.$$
            """, ContextItemKinds.ReceiverMember, "public void AddLine(string sku, int quantity);" },
        { "records: positional properties", """
            using Shop;
            class C { void M(OrderLine line) { var q = line.$$ } }
            """, ContextItemKinds.ReceiverMember, "public int Quantity { get; init; }" },
        { "records: header with parameters", """
            using Shop;
            class C { void M(OrderLine line) { var q = line.$$ } }
            """, "group", "record OrderLine(string Sku, int Quantity, Money Price)" },
        { "nested types", """
            using Shop;
            class C { void M() { var b = new Order.Builder(); b.$$ } }
            """, ContextItemKinds.ReceiverMember, "public Order.Builder WithCustomer(string name);" },
        { "nested types: header shows the containing type", """
            using Shop;
            class C { void M() { var b = new Order.Builder(); b.$$ } }
            """, "group", "class Order : Entity { public sealed class Builder" },
        { "metadata types", """
            class C { void M() { var sb = new System.Text.StringBuilder(); sb.$$ } }
            """, ContextItemKinds.ReceiverMember, "public StringBuilder Append(string? value);" },
        { "lambda parameters", """
            using System.Linq;
            using Shop;
            class C { void M(IRepository<Order> orders) { var open = orders.List().Where(o => o.$$ } }
            """, ContextItemKinds.ReceiverMember, "public OrderStatus Status { get; set; }" },
        { "namespaces after a namespace", """
            class C { void M() { System.$$ } }
            """, ContextItemKinds.ReceiverMember, "namespace System.Collections;" },
        { "members one step further: the element type of a collection property", """
            using Shop;
            class C { void M(Order order) { var n = order.$$ } }
            """, ContextItemKinds.ReceiverMember, "int Quantity" },
        { "constants of a nested type reached through a static class", """
            using Shop;
            class C { string M() => ErrorCodes.$$ }
            """, ContextItemKinds.ReceiverMember, "Required" },
        { "enum members of the expected type after an assignment", """
            using Shop;
            class C { void M(Order order) { order.Status = $$ } }
            """, ContextItemKinds.ExpectedType, "enum OrderStatus { Draft, Placed, Shipped }" },
        { "enum members of the expected type after ==", """
            using Shop;
            class C { bool M(Order order) { return order.Status == $$ } }
            """, ContextItemKinds.ExpectedType, "enum OrderStatus { Draft, Placed, Shipped }" },
        { "enum members of the expected type of an argument", """
            using Shop;
            class C { void Set(int n, OrderStatus status) { } void M() { Set(1, $$ } }
            """, ContextItemKinds.ExpectedType, "enum OrderStatus { Draft, Placed, Shipped }" },
        { "static members that produce the expected type", """
            using Shop;
            class C { void M() { Money price = $$ } }
            """, ContextItemKinds.ExpectedType, "public static Money Zero(string currency);" },
        { "the expected type of a return in an async method", """
            using Shop;
            using System.Threading.Tasks;
            class C { async Task<OrderStatus> M() { await Task.Yield(); return $$ } }
            """, ContextItemKinds.ExpectedType, "enum OrderStatus { Draft, Placed, Shipped }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Offers_the_expected_item(string name, string markup, string kind, string expected)
    {
        var items = await CollectAsync(markup);
        var match = kind == "group"
            ? items.Any(i => i.Group?.Contains(expected, StringComparison.Ordinal) == true)
            : items.Any(i => i.Kind == kind && i.Text.Contains(expected, StringComparison.Ordinal));
        Assert.True(match, $"{name}: no {kind} item containing '{expected}'. Items:\n{Describe(items)}");
    }

    public static TheoryData<string, string, string, string> Absent => new()
    {
        // name, markup, kind ("*": any), unexpected text
        { "object members are not listed", """
            using Shop;
            class C { void M(Order order) { order.$$ } }
            """, "*", "GetHashCode" },
        { "instance members are not listed after a type name", """
            using Shop;
            class C { void M() { Money.$$ } }
            """, ContextItemKinds.ReceiverMember, "Add(Money other)" },
        { "locals declared after the caret are not in scope yet", """
            class C { void M() { var before = 1; $$ var after = 2; } }
            """, ContextItemKinds.Locals, "after" },
        { "declarations inside the visible window are not repeated", """
            using Shop;
            class C { int Visible() => 1; void M() { $$ } }
            """, "*", "Visible()" },
    };

    [Theory]
    [MemberData(nameof(Absent))]
    public async Task Leaves_out(string name, string markup, string kind, string unexpected)
    {
        var items = await CollectAsync(markup);
        var offending = items.Where(i => kind == "*" || i.Kind == kind).Where(i => i.Text.Contains(unexpected, StringComparison.Ordinal)).ToList();
        Assert.True(offending.Count == 0, $"{name}: unexpected '{unexpected}' in:\n{Describe(offending)}");
    }

    [Fact]
    public async Task Partial_class_members_from_the_other_part()
    {
        var (text, caret) = Markup.Parse("""
            namespace App;
            partial class Cart
            {
                void M()
                {
                    $$
                }
            }
            """);
        var document = TestSolution.Create(text, """
            namespace App;
            partial class Cart
            {
                public decimal Subtotal(bool withVat) => 0;
            }
            """);
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
        var item = Assert.Single(items, i => i.Kind == ContextItemKinds.TypeOutline && i.Text.Contains("Subtotal(bool withVat)", StringComparison.Ordinal));
        Assert.Contains("another part", item.Why, StringComparison.Ordinal);
        Assert.EndsWith("Other0.cs", item.SourceFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edits_inside_a_body_reuse_the_earlier_model_and_see_the_new_code()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C
            {
                int Count() => 1;

                void M(Order order)
                {
                    $$
                }

                void After() { }
            }
            """);
        var document = TestSolution.Create(text);
        var builder = new SemanticContextBuilder();
        await builder.CollectAsync(document, caret, ContextRequest.Default, default);

        // Typing in the body: the earlier compilation still describes every declaration.
        var source = await document.GetTextAsync();
        var typed = "var builder = new Order.Builder();\n        builder.";
        var edited = document.WithText(source.WithChanges(new TextChange(new TextSpan(caret, 0), typed)));
        var items = await builder.CollectAsync(edited, caret + typed.Length, ContextRequest.Default, default);
        Assert.Equal(1, builder.ReusedModels);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("WithCustomer(string name)", StringComparison.Ordinal));
        Assert.Contains(items, i => i.Kind == ContextItemKinds.Locals && i.Text.Contains("Order.Builder builder", StringComparison.Ordinal));

        // A declaration change is not an in-body edit: a full model, which sees the new member.
        var header = (await edited.GetTextAsync()).ToString().IndexOf("int Count()", StringComparison.Ordinal);
        var renamed = edited.WithText((await edited.GetTextAsync()).WithChanges(new TextChange(new TextSpan(header, "int Count()".Length), "int Total(int x)")));
        var caret2 = caret + typed.Length + "int Total(int x)".Length - "int Count()".Length;
        var items2 = await builder.CollectAsync(renamed, caret2, new ContextRequest(new TextSpan(caret2, 0)), default);
        Assert.Equal(1, builder.ReusedModels);
        Assert.Contains(items2, i => i.Kind == ContextItemKinds.TypeOutline && i.Text.Contains("int Total(int x);", StringComparison.Ordinal));

        // Another file changed since the base model: its declarations may differ, so no reuse either.
        var withNewType = renamed.Project.AddDocument("Coupon.cs", "namespace Shop;\npublic sealed class Coupon { public decimal Percent { get; } }", filePath: "/src/Test/Coupon.cs").Project.Solution;
        var current = withNewType.GetDocument(renamed.Id)!;
        var currentText = await current.GetTextAsync();
        var bodyStart = caret + "int Total(int x)".Length - "int Count()".Length;
        var typed3 = "var p = new Coupon().;\n        ";
        var edited3 = current.WithText(currentText.WithChanges(new TextChange(new TextSpan(bodyStart, 0), typed3)));
        var items3 = await builder.CollectAsync(edited3, bodyStart + "var p = new Coupon().".Length, ContextRequest.Default, default);
        Assert.Equal(1, builder.ReusedModels);
        Assert.Contains(items3, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public decimal Percent { get; }", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Top_level_statements()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            var order = new Order();
            order.AddLine("KIT-1", 2);
            Console.WriteLine(Formatter.Format(order, true));
            var total = order.$$
            """);
        var document = TestSolution.Create(text, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication);
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public Money Total();", StringComparison.Ordinal));
        Assert.True(items.Any(i => i.Kind == ContextItemKinds.Locals && i.Text.Contains("Order order", StringComparison.Ordinal)), Describe(items));
        Assert.Contains(items, i => i.Kind == ContextItemKinds.Referenced && i.Text.Contains("Format(Order order, bool withLines)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_in_no_project_gets_an_adhoc_project()
    {
        using var host = new WorkspaceHost(Serilog.Core.Logger.None);
        var (text, caret) = Markup.Parse("""
            var list = new List<int>();
            list.$$
            """);
        var document = host.GetDocument(new Uri("file:///tmp/loose/Script.cs"), SourceText.From(text));
        Assert.Equal("Miscellaneous Files", document.Project.Name);
        var items = await new SemanticContextBuilder().CollectAsync(document, caret, ContextRequest.Default, default);
        Assert.Contains(items, i => i.Kind == ContextItemKinds.ReceiverMember && i.Text.Contains("public void Add(int item);", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Similar_snippets_from_recent_documents()
    {
        var (text, caret) = Markup.Parse("""
            class C
            {
                void Report(Totals totals)
                {
                    writer.WriteLine(totals.Net);
                    writer.WriteLine(totals.Vat);
                    $$
                }
            }
            """);
        var other = SourceText.From("""
            class D
            {
                void Print(Totals totals)
                {
                    writer.WriteLine(totals.Net);
                    writer.WriteLine(totals.Vat);
                    writer.WriteLine(totals.Gross);
                }
            }
            """);
        var document = TestSolution.Create(text);
        var builder = new SemanticContextBuilder(() => [new RecentDocument("/src/Other/Printer.cs", other)]);
        var items = await builder.CollectAsync(document, caret, ContextRequest.Default, default);
        var snippet = Assert.Single(items, i => i.Kind == ContextItemKinds.SimilarSnippet);
        Assert.Contains("totals.Gross", snippet.Text, StringComparison.Ordinal);
        Assert.StartsWith("Compare this snippet from Printer.cs:", snippet.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Packs_by_score_into_the_budget_and_renders_comments()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C { void M(Order order, Money price) { var s = Formatter.Format(price, $$ } }
            """);
        var document = TestSolution.Create(text);
        var budget = ContextBudget.Estimated(140);
        var context = await new SemanticContextBuilder().BuildAsync(document, caret, budget, new ContextRequest(LineOf(text, caret)), default);
        Assert.True(context.Tokens <= budget.Tokens, $"{context.Tokens} tokens > {budget.Tokens}:\n{context.Rendered}");
        Assert.All(context.Rendered.TrimEnd('\n').Split('\n'), line => Assert.StartsWith("//", line, StringComparison.Ordinal));
        var overloads = context.Items.Where(i => i.Kind == ContextItemKinds.Overload).ToList();
        Assert.Equal(3, overloads.Count);
        Assert.All(overloads, i => Assert.True(i.Included));
        Assert.Contains(context.Items, i => !i.Included);
        Assert.Contains("public static string Format(Money money, string culture);", context.Rendered, StringComparison.Ordinal);
        // The most relevant facts come last, nearest the code.
        Assert.True(context.Rendered.LastIndexOf("Format(", StringComparison.Ordinal) > context.Rendered.IndexOf("In scope", StringComparison.Ordinal), context.Rendered);
    }

    [Fact]
    public async Task Every_item_says_where_it_comes_from_and_why()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C { void M(Order order) { var t = order.Total(); order.$$ } }
            """);
        var items = await CollectAsync(text.Insert(caret, "$$"));
        Assert.NotEmpty(items);
        Assert.All(items, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Why));
            Assert.NotNull(i.SourceFile);
            Assert.InRange(i.Score, 0.0, 1.2);
        });
        Assert.Contains(items, i => i.SourceFile == "/src/Test/Library.cs" && i.SourceSpan is not null);
    }

    private static async Task<IReadOnlyList<ContextItem>> CollectAsync(string markup)
    {
        var (text, caret) = Markup.Parse(markup);
        var document = TestSolution.Create(text);
        return await new SemanticContextBuilder().CollectAsync(document, caret, new ContextRequest(LineOf(text, caret)), default);
    }

    private static TextSpan LineOf(string text, int caret)
    {
        var source = SourceText.From(text);
        return source.Lines.GetLineFromPosition(caret).SpanIncludingLineBreak;
    }

    private static string Describe(IEnumerable<ContextItem> items) =>
        string.Join("\n", items.Select(i => $"  [{i.Kind} {i.Score:F2}] {i.Text.Replace("\n", " \\n ", StringComparison.Ordinal)}   <{i.Group?.Replace("\n", " | ", StringComparison.Ordinal)}>"));
}
