using CodeLsp.Features.Completion;

namespace CodeLsp.Features.Tests.Completion;

public sealed class SuggestionCompileCheckTests
{
    private const string Source = """
        using System.Collections.Generic;
        namespace Shop;
        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();
            public void Add(decimal price) => _prices.Add(price);
            public decimal Total() { decimal sum = 0; foreach (var p in _prices) sum += p; return sum; }
            public int Count => _prices.Count;
        }
        public static class Checkout
        {
            public static string Run(Cart cart)
            {
                $$
            }
        }
        """;

    private static async Task<CompileVerdict> Check(string candidate)
    {
        var (text, caret) = Markup.Parse(Source);
        return await SuggestionCompileCheck.CheckAsync(TestDocuments.Create(text), caret, candidate, CancellationToken.None);
    }

    [Theory]
    [InlineData("var total = cart.Total();")]
    [InlineData("cart.Add(9.99m);")]
    [InlineData("return cart.Count.ToString();")]
    [InlineData("var total = cart.Total(")]      // unfinished: syntax errors are expected and ignored
    [InlineData("if (cart.Count > 0)")]
    [InlineData("return string.Join(\", \", ")]
    public async Task Keeps_valid_continuations(string candidate)
    {
        var verdict = await Check(candidate);
        Assert.True(verdict.Valid, string.Join("; ", verdict.NewErrors));
    }

    [Theory]
    [InlineData("var total = cart.Sum();", "CS1061")]          // member does not exist
    [InlineData("cart.Add(1m, 2m);", "CS1501")]               // wrong argument count
    [InlineData("cart.Add(\"free\");", "CS1503")]             // wrong argument type
    [InlineData("var n = Cart.Count;", "CS0120")]             // instance member through the type
    [InlineData("var c = new Basket();", "CS0246")]           // unknown type
    [InlineData("int t = cart.Total();", "CS0266")]           // decimal → int needs a cast
    public async Task Drops_continuations_that_introduce_errors(string candidate, string expected)
    {
        var verdict = await Check(candidate);
        Assert.False(verdict.Valid);
        Assert.Contains(verdict.NewErrors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
