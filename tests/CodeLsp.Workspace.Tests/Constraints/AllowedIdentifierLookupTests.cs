using CodeLsp.Workspace.Constraints;
using CodeLsp.Workspace.Tests.Context;

namespace CodeLsp.Workspace.Tests.Constraints;

/// <summary>What the compiler allows at a site, on the shared test library (Order, Money, Entity …).</summary>
public sealed class AllowedIdentifierLookupTests
{
    private static async Task<AllowedIdentifiers?> LookupAsync(string body, string members = "", string usings = "using System.Linq;")
    {
        var (text, caret) = Markup.Parse($$"""
            {{usings}}
            namespace Shop;
            public class Checkout
            {
                {{members}}
                public void Run(Order order, Money money, Order.Builder builder)
                {
                    {{body}}
                }
            }
            """);
        var document = TestSolution.Create(text);
        var root = await document.GetSyntaxRootAsync();
        var site = IdentifierSite.Find(root!, caret);
        return site is null ? null : await AllowedIdentifierLookup.LookupAsync(document, site, CancellationToken.None);
    }

    [Theory]
    // body (caret $$), kind, typed, names that must be allowed, names that must not be
    [InlineData("order.$$", IdentifierSiteKind.Member, "", "AddLine,Total,Lines,Status,Id,Touch,ToString,GetHashCode,GetType", "Builder,_lines,Zero,Find,AddItem")]
    [InlineData("order.To$$", IdentifierSiteKind.Member, "To", "Total,ToString,Touch", "Builder")]
    [InlineData("order?.$$", IdentifierSiteKind.Member, "", "AddLine,Total", "Builder")]
    [InlineData("Order.$$", IdentifierSiteKind.Member, "", "Builder,ReferenceEquals", "AddLine,Total,Lines,Id")]
    [InlineData("money.$$", IdentifierSiteKind.Member, "", "Add,Amount,Currency,WithDiscount", "Zero")]
    [InlineData("Money.$$", IdentifierSiteKind.Member, "", "Zero", "Add,Amount,WithDiscount")]
    [InlineData("order.Lines.$$", IdentifierSiteKind.Member, "", "Count,Where,Select,First,ToList", "Add,Builder")]
    [InlineData("builder.$$", IdentifierSiteKind.Member, "", "WithCustomer,Build", "AddLine")]
    [InlineData("int? n = 1; n?.$$", IdentifierSiteKind.Member, "", "CompareTo", "HasValue")]
    [InlineData("this.$$", IdentifierSiteKind.Member, "", "Run,Helper", "Checkout")]
    [InlineData("System.$$", IdentifierSiteKind.Member, "", "Text,Console,Collections,String", "Order,Run")]
    [InlineData("order.$$\n        var y = 1;", IdentifierSiteKind.Member, "", "AddLine,Total", "Builder")]
    [InlineData("var o = new $$", IdentifierSiteKind.Creation, "", "Order,OrderLine,Money,Checkout,System,List,int,string", "Entity,Formatter,IRepository,MoneyExtensions,OrderStatus")]
    [InlineData("var o = new Or$$", IdentifierSiteKind.Creation, "Or", "Order,OrderLine", "Entity")]
    [InlineData("var t = typeof($$", IdentifierSiteKind.Type, "", "Entity,IRepository,Formatter,Order,int", "Run,order")]
    [InlineData("var e = order as $$", IdentifierSiteKind.Type, "", "Entity,Order", "order")]
    public async Task Lists_what_the_compiler_allows(string body, IdentifierSiteKind kind, string typed, string allowed, string forbidden)
    {
        var result = await LookupAsync(body, members: "private void Helper() { }", usings: "using System.Linq; using System.Collections.Generic;");

        Assert.NotNull(result);
        Assert.Equal(kind, result.Site.Kind);
        Assert.Equal(typed, result.Site.Typed);
        Assert.All(allowed.Split(','), name => Assert.Contains(name, result.Names));
        Assert.All(forbidden.Split(','), name => Assert.DoesNotContain(name, result.Names));
        Assert.Equal(kind == IdentifierSiteKind.Creation ? "{[(" : "", result.AlternativeStarts);
    }

    [Fact]
    public async Task A_property_named_like_its_type_allows_static_and_instance_members()
    {
        var result = await LookupAsync("Order.$$", members: "public Order Order { get; } = new();");

        Assert.NotNull(result);
        Assert.Contains("Builder", result.Names);
        Assert.Contains("AddLine", result.Names);
    }

    [Theory]
    [InlineData("var x = $$")] // no receiver
    [InlineData("order.Total($$")] // an argument
    [InlineData("dynamic d = order; d.$$")] // anything goes
    [InlineData("order. $$")] // a space after the dot
    [InlineData("var o = new$$")] // still typing the keyword
    [InlineData("order.Tot$$al()")] // in the middle of a word
    public async Task Other_places_have_no_list(string body)
    {
        Assert.Null(await LookupAsync(body));
    }

    [Fact]
    public async Task The_new_modifier_is_not_a_creation_site()
    {
        var (text, caret) = Markup.Parse("class A { public void M() { } } class B : A { public new $$ }");
        var root = await TestSolution.Create(text).GetSyntaxRootAsync();

        Assert.Null(IdentifierSite.Find(root!, caret));
    }

    [Theory]
    [InlineData("To", new[] { "tal", "String", "uch" })]
    [InlineData("Total", new[] { "" })] // typed whole: it may end here
    [InlineData("Zz", new string[0])]
    public void Remainders_are_what_is_left_of_the_names_that_start_with_the_typed_text(string typed, string[] expected)
    {
        var site = new IdentifierSite(IdentifierSiteKind.Member, 0, typed, default);
        var allowed = new AllowedIdentifiers(site, ["AddLine", "Total", "ToString", "Touch"], "test", TimeSpan.Zero);

        Assert.Equal(expected, allowed.Remainders(typed));
    }
}
