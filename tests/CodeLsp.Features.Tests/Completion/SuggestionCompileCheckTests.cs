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
            public decimal Discount { get; set; }
            public string Label { get; } = "";
            private int _secret;
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

    public static TheoryData<string> AllCandidates() =>
    [
        "var total = cart.Total();", "cart.Add(9.99m);", "return cart.Count.ToString();", "var total = cart.Total(", "if (cart.Count > 0)",
        "return string.Join(\", \", ", "cart.Discount = 0.1m;", "cart.Discount += 1;", "var x = cart.Count + 1; return x.ToString();",
        "var total = cart.Sum();", "cart.Add(1m, 2m);", "cart.Add(\"free\");", "var n = Cart.Count;", "var c = new Basket();", "int t = cart.Total();",
        "var b = cart + 1;", "cart.Label = \"x\";", "cart.Total() = 1;", "int m = cart.Total;", "cart.Count();", "var s = cart._secret;",
        "var e = Cart.Empty;", "var l = cart.Items.Count;", "return nameof(cart.Count);", "var q = unknownName;", "cart.", "return cart?.Count.ToString();",
        "var f = () => cart.Total(); return f().ToString();", "foreach (var p in cart.Items) { }", "string r = cart.Count;",
    ];

    // The speculative check (the product's), the compilation with the tree replaced, and the original workspace fork
    // must agree on every verdict: speed must not change what is shown.
    [Theory]
    [MemberData(nameof(AllCandidates))]
    public async Task Every_mode_gives_the_same_verdict(string candidate)
    {
        var (text, caret) = Markup.Parse(Source);
        var document = TestDocuments.Create(text);
        var reference = await SuggestionCompileCheck.CheckAsync(document, caret, candidate, CompileCheckMode.ForkedDocument, CancellationToken.None);
        var replaced = await SuggestionCompileCheck.CheckAsync(document, caret, candidate, CompileCheckMode.ReplacedTree, CancellationToken.None);
        var speculative = await SuggestionCompileCheck.CheckAsync(document, caret, candidate, CompileCheckMode.Speculative, CancellationToken.None);
        Assert.Equal(reference.Introduces, replaced.Introduces);
        Assert.Equal(reference.NewErrors, replaced.NewErrors);
        Assert.Equal(reference.Introduces, speculative.Introduces);
        if (speculative.Introduces) Assert.Equal(reference.NewErrors.Select(e => e[..6]).Order(), speculative.NewErrors.Select(e => e[..6]).Order());
    }

    [Theory]
    [InlineData("var total = cart.Total();")]
    [InlineData("cart.Discount = 0.1m;")]
    [InlineData("var total = cart.Sum();")]
    [InlineData("var e = Cart.Empty;")]
    public async Task Clean_candidates_and_unknown_members_are_decided_without_a_new_compilation(string candidate)
    {
        var (text, caret) = Markup.Parse(Source);
        var verdict = await SuggestionCompileCheck.CheckAsync(TestDocuments.Create(text), caret, candidate, CompileCheckMode.Speculative, CancellationToken.None);
        Assert.True(verdict.Speculative);
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
