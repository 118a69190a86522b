using CodeLsp.Features.Actions;
using Serilog;

namespace CodeLsp.Features.Tests.Actions;

/// <summary>
/// Each action on scripted model answers: a valid answer becomes edits that compile; each kind of bad answer is refused
/// by the gate named, with no edits at all (nothing could be written).
/// </summary>
public sealed class ActionCaseTests
{
    private const string Stub = """
        using System;
        using System.Collections.Generic;

        namespace Shop;

        public interface IPriced
        {
            decimal Price(string sku);
        }

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public void Add(decimal price) => _prices.Add(price);

            public decimal Total()
            {
                $$throw new NotImplementedException();
            }

            public int Count => _prices.Count;
        }
        """;

    private const string Broken = """
        using System;
        using System.Collections.Generic;

        namespace Shop;

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public decimal Total()
            {
                return _prices.$$Summ();
            }
        }
        """;

    private const string Undocumented = """
        using System;
        using System.Collections.Generic;

        namespace Shop;

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public void $$Add(decimal price)
            {
                if (price < 0) throw new ArgumentOutOfRangeException(nameof(price));
                _prices.Add(price);
            }
        }
        """;

    private const string Missing = """
        namespace Shop;

        public interface IPriced
        {
            decimal Price(string sku);
        }

        public sealed class Catalog : $$IPriced
        {
            private readonly int _markup = 2;
        }
        """;

    private const string Testable = """
        using System.Collections.Generic;

        namespace Shop;

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public void Add(decimal price) => _prices.Add(price);

            public decimal $$Total()
            {
                decimal sum = 0;
                foreach (var price in _prices) sum += price;
                return sum;
            }
        }
        """;

    private const string ValidTotal = "public decimal Total()\n{\n    decimal sum = 0;\n    foreach (var price in _prices) sum += price;\n    return sum;\n}";

    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // action, source, answer, gate that refuses it (null: accepted)
        { "implement", Stub, ValidTotal, null },
        { "implement", Stub, "public decimal Total()\n{\n    return _prices[0\n}", "parses" },
        { "implement", Stub, "public decimal Total() => _prices.Count;;", "parses" },
        { "implement", Stub, "public decimal Total { get; }", "parses" },
        { "implement", Stub, "public decimal Total()\n{\n    return _prices.Summ();\n}", "no new errors" },
        { "implement", Stub, "public int Total()\n{\n    return _prices.Count;\n}", "signature unchanged" },
        { "implement", Stub, "private decimal Total()\n{\n    return 0m;\n}", "signature unchanged" },
        { "implement", Stub, "public decimal Total()\n{\n    throw new NotImplementedException(\"later\");\n}", "implemented" },
        { "implement", Stub, "", "parses" },
        { "fix", Broken, ValidTotal, null },
        { "fix", Broken, "public decimal Total()\n{\n    return _prices.Summ();\n}", "target diagnostic gone" },
        { "fix", Broken, "public decimal Total()\n{\n    return (decimal)missing;\n}", "no new errors" },
        { "fix", Broken, "public decimal Total(int skip)\n{\n    return 0m;\n}", "signature unchanged" },
        { "docs", Undocumented, "{\"summary\": \"Adds a price to the cart.\", \"param price\": \"The price to add.\", \"exception ArgumentOutOfRangeException\": \"When the price is negative.\"}", null },
        { "docs", Undocumented, "{\"summary\": \"Adds a price to the cart.\", \"params\": {\"price\": \"The price to add.\"}, \"exceptions\": {\"ArgumentOutOfRangeException\": \"When the price is negative.\"}}", null },
        { "docs", Undocumented, "{\"summary\": \"Adds a price to the cart.\"}", "parses" },
        { "docs", Undocumented, "Adds a price to the cart.", "parses" },
        { "docs", Undocumented, "{\"summary\": \"x = y; }{ z\", \"param price\": \"The price to add.\", \"exception ArgumentOutOfRangeException\": \"When negative.\"}", "doc comment" },
        { "implementMissing", Missing, "public decimal Price(string sku)\n{\n    return sku.Length * _markup;\n}", null },
        { "implementMissing", Missing, "public decimal Cost(string sku) => sku.Length;", "members as asked" },
        { "implementMissing", Missing, "public decimal Price(string sku) => throw new System.NotImplementedException();", "implemented" },
        { "implementMissing", Missing, "public decimal Price(int sku) => sku;", "target diagnostic gone" },
        { "tests", Testable, "using Xunit;\nusing Shop;\n\nnamespace Shop.Tests;\n\npublic class CartTests\n{\n    [Fact]\n    public void Total_of_two_prices()\n    {\n        var cart = new Cart();\n        cart.Add(1m);\n        cart.Add(2m);\n        Assert.Equal(3m, cart.Total());\n    }\n}", null },
        { "tests", Testable, "using Xunit;\nusing Shop;\n\nnamespace Shop.Tests;\n\npublic class CartTests\n{\n    [Fact]\n    public void Total()\n    {\n        Assert.Equal(3m, new Cart().Sum());\n    }\n}", "no new errors" },
        { "tests", Testable, "using Shop;\n\nnamespace Shop.Tests;\n\npublic class CartTests\n{\n    public void Total() { }\n}", "has tests" },
        { "tests", Testable, "public class CartTests {", "parses" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answer_is_applied_only_when_every_gate_passes(string action, string source, string answer, string? refusedBy)
    {
        var kind = AiActionNames.Parse(action)!.Value;
        var workspace = ActionWorkspace.Create(source, withTestProject: kind == AiActionKind.Tests);
        var engine = new ScriptedEngine(chat: true, fim: true, answer);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(kind), null, CancellationToken.None);

        if (refusedBy is null)
        {
            Assert.True(outcome.Accepted, outcome.Refusal);
            Assert.Single(outcome.Attempts);
            Assert.All(outcome.Attempts[0].Gates, g => Assert.True(g.Passed, g.ToString()));
            if (kind == AiActionKind.Tests)
            {
                var file = Assert.Single(outcome.Edits);
                Assert.True(file.IsNewFile);
                Assert.EndsWith(Path.Combine("Shop.Tests", "CartTests.cs"), file.Uri.LocalPath);
                Assert.Contains("[Fact]", file.Edits[0].NewText);
                return;
            }

            var edited = workspace.Apply(outcome);
            Assert.Empty(await workspace.ErrorsAsync(edited));
            Assert.DoesNotContain("NotImplementedException", edited);
            return;
        }

        Assert.False(outcome.Accepted);
        Assert.Empty(outcome.Edits);
        Assert.Equal(2, outcome.Attempts.Count); // one retry with the findings fed back
        var failed = outcome.Attempts[^1].Gates.Last();
        Assert.False(failed.Passed);
        Assert.Equal(refusedBy, failed.Gate);
        Assert.Contains(refusedBy, outcome.Refusal);
        Assert.NotNull(outcome.RejectedText);
        Assert.Contains("rejected", engine.ChatRequests[^1].Messages[^1].Content);
    }

    [Fact]
    public async Task Retry_with_the_compiler_errors_can_succeed()
    {
        var workspace = ActionWorkspace.Create(Stub);
        var engine = new ScriptedEngine(chat: true, fim: false, "public decimal Total()\n{\n    return _prices.Summ();\n}", ValidTotal);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(AiActionKind.Implement), null, CancellationToken.None);
        Assert.True(outcome.Accepted, outcome.Refusal);
        Assert.Equal(2, outcome.Attempts.Count);
        Assert.Contains("CS1061", engine.ChatRequests[1].Messages[^1].Content);
        Assert.Contains("sum += price", workspace.Apply(outcome));
    }

    [Fact]
    public async Task A_valid_fix_touches_only_the_member()
    {
        var workspace = ActionWorkspace.Create(Broken);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(new ScriptedEngine(true, false, ValidTotal), workspace.Document,
            workspace.Arguments(AiActionKind.Fix, "CS1061"), null, CancellationToken.None);
        Assert.True(outcome.Accepted, outcome.Refusal);
        var scope = workspace.Text.Lines.GetTextSpan(outcome.Scope!.Value);
        Assert.All(outcome.Edits[0].Edits, e => Assert.True(scope.Contains(workspace.Text.Lines.GetTextSpan(e.Range))));
    }

    [Fact]
    public async Task A_base_model_implements_by_filling_the_body_and_is_cut_where_the_block_ends()
    {
        var workspace = ActionWorkspace.Create(Stub);
        var engine = new ScriptedEngine(chat: false, fim: true, "decimal sum = 0;\n        foreach (var price in _prices) sum += price;\n        return sum;\n    }\n\n    public void Extra() { }");
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(AiActionKind.Implement), null, CancellationToken.None);
        Assert.True(outcome.Accepted, outcome.Refusal);
        var edited = workspace.Apply(outcome);
        Assert.DoesNotContain("Extra", edited);
        Assert.EndsWith("{", Assert.Single(engine.FimPrompts).Prefix.TrimEnd());
    }

    [Fact]
    public async Task A_base_model_writes_docs_tag_by_tag()
    {
        var workspace = ActionWorkspace.Create(Undocumented);
        var engine = new ScriptedEngine(chat: false, fim: true, "Adds a price to the cart.\n/// more", "The price to add.</param>", "When the price is negative.<");
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(AiActionKind.Docs), null, CancellationToken.None);
        Assert.True(outcome.Accepted, outcome.Refusal);
        var edited = workspace.Apply(outcome);
        Assert.Contains("    /// <summary>\n    /// Adds a price to the cart.\n    /// </summary>\n    /// <param name=\"price\">The price to add.</param>\n    /// <exception cref=\"ArgumentOutOfRangeException\">When the price is negative.</exception>\n    public void Add", edited);
        Assert.Equal(3, engine.FimPrompts.Count);
        Assert.EndsWith("/// <param name=\"price\">", engine.FimPrompts[1].Prefix);
    }

    [Fact]
    public async Task Failed_missing_members_still_offer_the_plain_stubs_which_compile()
    {
        var workspace = ActionWorkspace.Create(Missing);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(new ScriptedEngine(true, false, "not code at all"), workspace.Document,
            workspace.Arguments(AiActionKind.ImplementMissing), null, CancellationToken.None);
        Assert.False(outcome.Accepted);
        Assert.Equal("Insert plain stubs", outcome.FallbackTitle);
        var stubs = workspace.Apply(outcome with { Edits = outcome.Fallback! });
        Assert.Contains("public decimal Price(string sku)", stubs);
        Assert.True(stubs.Contains("throw new NotImplementedException()"), stubs);
        Assert.Empty(await workspace.ErrorsAsync(stubs));
    }

    [Theory]
    [InlineData("fix", "needs an instruct model")]
    [InlineData("implementMissing", "needs an instruct model")]
    [InlineData("tests", "needs an instruct model")]
    public async Task A_base_model_is_refused_actions_that_need_chat_without_being_asked(string action, string reason)
    {
        var workspace = ActionWorkspace.Create(Broken, withTestProject: true);
        var engine = new ScriptedEngine(chat: false, fim: true, "x");
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(AiActionNames.Parse(action)!.Value), null, CancellationToken.None);
        Assert.Contains(reason, outcome.Refusal);
        Assert.Empty(engine.FimPrompts);
        Assert.Empty(outcome.Attempts);
    }

    [Fact]
    public async Task No_model_is_a_refusal_not_an_error()
    {
        var workspace = ActionWorkspace.Create(Stub);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(null, workspace.Document, workspace.Arguments(AiActionKind.Implement), null, CancellationToken.None);
        Assert.Contains("No model is loaded", outcome.Refusal);
    }

    [Fact]
    public async Task Tests_are_refused_without_a_test_project()
    {
        var workspace = ActionWorkspace.Create(Testable);
        var outcome = await new AiActionRunner(Log.Logger).RunAsync(new ScriptedEngine(true, false, "x"), workspace.Document, workspace.Arguments(AiActionKind.Tests), null, CancellationToken.None);
        Assert.Contains("no xUnit, NUnit or MSTest project references Shop", outcome.Refusal);
    }

    [Fact]
    public async Task Cancelling_stops_the_action_and_produces_nothing()
    {
        var workspace = ActionWorkspace.Create(Stub);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var engine = new ScriptedEngine(true, false, ValidTotal) { Hang = true };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new AiActionRunner(Log.Logger).RunAsync(engine, workspace.Document, workspace.Arguments(AiActionKind.Implement), null, cts.Token));
    }
}
