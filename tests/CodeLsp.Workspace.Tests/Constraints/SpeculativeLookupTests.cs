using CodeLsp.Workspace.Constraints;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Tests.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Constraints;

/// <summary>
/// The identifier list asked of the context's model: after an edit inside a body, a speculative model over the earlier
/// compilation (shared with the context built for the same text), and the scope-wide lookups cached per compilation
/// and scope. Whatever the path, the names must be the document's own model's (a constraint may never forbid valid code).
/// </summary>
public sealed class SpeculativeLookupTests
{
    private const string Template = """
        using System.Linq;
        using System.Collections.Generic;
        namespace Shop;
        public class Checkout
        {
            private sealed class Hidden { }

            public void Run(Order order, Money money, Order.Builder builder)
            {
                BODY
            }

            public T Make<T>() where T : new()
            {
                return default!;
            }
        }

        public class Other
        {
            public void Elsewhere()
            {
                var seed = 1;
            }
        }
        """;

    /// <summary>The document with <paramref name="body"/> typed into Run after the builder saw it with an empty body.</summary>
    private static async Task<(SemanticContextBuilder Builder, Document Typed, int Caret)> TypedAsync(string body)
    {
        var builder = new SemanticContextBuilder();
        var original = TestSolution.Create(Template.Replace("BODY", "var seed = 0;", StringComparison.Ordinal));
        Assert.NotNull(await builder.GetFullModelAsync(original, CancellationToken.None));
        // Typed as an editor would: an edit of the earlier text (its change ranges are what lets the model be reused).
        var (insert, caret) = Markup.Parse("\n        " + body);
        var before = await original.GetTextAsync();
        var at = before.ToString().IndexOf("var seed = 0;", StringComparison.Ordinal) + "var seed = 0;".Length;
        return (builder, original.WithText(before.WithChanges(new TextChange(new TextSpan(at, 0), insert))), at + caret);
    }

    [Theory]
    [InlineData("order.$$")]
    [InlineData("order.To$$")]
    [InlineData("money.$$")]
    [InlineData("Money.$$")]
    [InlineData("order.Lines.$$")]
    [InlineData("var local = new List<Order>(); local.$$")]
    [InlineData("builder.$$")]
    [InlineData("var o = new $$")]
    [InlineData("var t = typeof($$")]
    [InlineData("System.$$")]
    [InlineData("order.$$\n        var y = 1;")]
    public async Task The_speculative_model_lists_what_the_documents_model_lists(string body)
    {
        var (builder, typed, caret) = await TypedAsync(body);
        var site = IdentifierSite.Find((await typed.GetSyntaxRootAsync())!, caret);
        Assert.NotNull(site);

        var model = await builder.GetModelAsync(typed, caret, CancellationToken.None);
        Assert.NotNull(model);
        Assert.True(model.IsSpeculativeSemanticModel, "an edit inside the body is bound speculatively");
        var speculative = await AllowedIdentifierLookup.LookupAsync(model, site, CancellationToken.None);
        // Asked twice: the second answer comes from the scope cache.
        var again = await AllowedIdentifierLookup.LookupAsync((await builder.GetModelAsync(typed, caret, CancellationToken.None))!, site, CancellationToken.None);
        var full = await AllowedIdentifierLookup.LookupAsync(typed, site, CancellationToken.None);

        Assert.NotNull(full);
        Assert.NotEmpty(full.Names);
        Assert.Equal(full.Names, speculative?.Names);
        Assert.Equal(full.Names, again?.Names);
        Assert.Equal(full.Description, speculative?.Description);
    }

    [Fact]
    public async Task One_text_gets_one_speculative_model()
    {
        var (builder, typed, caret) = await TypedAsync("order.$$");

        var first = await builder.GetModelAsync(typed, caret, CancellationToken.None);
        var second = await builder.GetModelAsync(typed, caret, CancellationToken.None);
        var next = typed.WithText((await typed.GetTextAsync()).WithChanges(new TextChange(new TextSpan(caret, 0), "T")));
        var third = await builder.GetModelAsync(next, caret + 1, CancellationToken.None);

        Assert.Same(first, second);
        Assert.NotNull(third);
        Assert.True(third.IsSpeculativeSemanticModel);
        Assert.NotSame(first, third);
    }

    /// <summary>Where in <see cref="Template"/> (by marker text) two positions share a scope key, or not.</summary>
    [Theory]
    [InlineData("var seed = 0;", "return default!;", false)] // Make<T> has a type parameter in scope
    [InlineData("var seed = 0;", "var seed = 1;", false)]    // another class: other accessible and nested types
    [InlineData("var seed = 0;", "var seed = 0;", true)]
    public async Task Scopes_differ_where_the_types_in_scope_can_differ(string first, string second, bool same)
    {
        var document = TestSolution.Create(Template.Replace("BODY", "var seed = 0;", StringComparison.Ordinal));
        var text = (await document.GetTextAsync()).ToString();
        var model = (await document.GetSemanticModelAsync())!;

        var a = ScopeLookupCache.ScopeOf(model, text.IndexOf(first, StringComparison.Ordinal));
        var b = ScopeLookupCache.ScopeOf(model, text.IndexOf(second, StringComparison.Ordinal));

        Assert.Equal(same, a == b);
    }

    [Fact]
    public async Task The_cached_lists_still_differ_by_scope()
    {
        var document = TestSolution.Create(Template.Replace("BODY", "var a = new X();", StringComparison.Ordinal).Replace("return default!;", "var b = new X(); return default!;", StringComparison.Ordinal)
            .Replace("var seed = 1;", "var c = new X();", StringComparison.Ordinal));
        var root = (await document.GetSyntaxRootAsync())!;
        var sites = root.DescendantNodes().OfType<ObjectCreationExpressionSyntax>().Select(c => IdentifierSite.Find(root, c.NewKeyword.Span.End + 1)!).ToList();
        var model = (await document.GetSemanticModelAsync())!;

        var lists = new List<IReadOnlyList<string>>();
        foreach (var site in sites.Concat(sites)) lists.Add((await AllowedIdentifierLookup.LookupAsync(model, site, CancellationToken.None))!.Names);

        Assert.Contains("Hidden", lists[0]);       // Run: Checkout's private nested class
        Assert.DoesNotContain("T", lists[0]);
        Assert.Contains("T", lists[1]);            // Make<T> where T : new()
        Assert.DoesNotContain("Hidden", lists[2]); // Other cannot see it
        Assert.Equal(lists[..3], lists[3..]);      // the same again from the cache
    }
}
