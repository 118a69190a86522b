using CodeLsp.Features.Actions;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Tests.Actions;

/// <summary>Which AI actions the code-action menu lists where, and when they are disabled — all without the model.</summary>
public sealed class OfferTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        namespace Shop;

        public interface IPriced
        {
            decimal Price(string sku);
        }

        public sealed class Catalog : /*missing*/IPriced
        {
        }

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public void /*docs*/Add(decimal price) => _prices.Add(price);

            /// <summary>The sum.</summary>
            public decimal /*tests*/Total()
            {
                /*stub*/throw new NotImplementedException();
            }

            public int Count()
            {
                return _prices./*error*/Cnt;
            }
        }
        """;

    private static readonly EngineInfo s_instruct = Info(chat: true);
    private static readonly EngineInfo s_base = Info(chat: false);

    private static EngineInfo Info(bool chat) => new()
    {
        Kind = "scripted", ModelName = chat ? "instruct" : "base", Location = "/m", ContextSize = 4096, SupportsFim = true, SupportsChat = chat, ExactTokenCounts = false,
    };

    private static async Task<IReadOnlyList<ActionOffer>> Offers(string marker, EngineInfo? engine, bool automatic = false, bool withTests = true, IReadOnlyList<string>? only = null)
    {
        var at = Source.IndexOf($"/*{marker}*/", StringComparison.Ordinal) + marker.Length + 4;
        var workspace = ActionWorkspace.Create(Source.Insert(at, "$$"), withTestProject: withTests);
        var state = new TextDocumentState(new Uri(workspace.Document.FilePath!), "csharp", 3, workspace.Text);
        var query = new CodeActionQuery(state, workspace.CaretRange, automatic) { Only = only };
        var provider = new AiCodeActionProvider(null!, () => engine, Log.Logger) { ErrorBudget = TimeSpan.FromMinutes(1) };
        return await provider.OffersAsync(workspace.Document, query, engine, CancellationToken.None);
    }

    [Theory]
    [InlineData("stub", "Implement Total with AI")]
    [InlineData("docs", "Write XML docs for Add with AI")]
    [InlineData("tests", "Generate xUnit tests for Total with AI")]
    [InlineData("error", "Fix CS1061 with AI")]
    [InlineData("missing", "Implement missing members with AI")]
    public async Task Each_action_is_offered_where_it_applies(string marker, string title)
    {
        var offers = await Offers(marker, s_instruct);
        var offer = Assert.Single(offers, o => o.Title == title);
        Assert.True(offer.IsAi);
        Assert.Null(offer.DisabledReason);
        Assert.NotNull(offer.Arguments);
        Assert.Equal(3, offer.Arguments!.Version);
    }

    [Fact]
    public async Task Documented_declarations_get_no_docs_offer_and_plain_bodies_no_implement_offer()
    {
        Assert.DoesNotContain(await Offers("tests", s_instruct), o => o.Kind == ActionKinds.DocsAi);
        Assert.DoesNotContain(await Offers("error", s_instruct), o => o.Kind == ActionKinds.ImplementAi);
    }

    [Fact]
    public async Task A_quick_fix_carries_its_diagnostic()
    {
        var fix = Assert.Single(await Offers("error", s_instruct), o => o.Kind == ActionKinds.QuickFixAi);
        Assert.Equal("CS1061", fix.Arguments!.DiagnosticId);
        Assert.Equal("CS1061", Assert.Single(fix.Diagnostics).Id);
    }

    [Fact]
    public async Task Tests_are_not_offered_without_a_test_project()
    {
        Assert.DoesNotContain(await Offers("tests", s_instruct, withTests: false), o => o.Kind == ActionKinds.TestsAi);
    }

    [Theory]
    [InlineData("error", ActionKinds.QuickFixAi)]
    [InlineData("missing", ActionKinds.QuickFixAi)]
    [InlineData("tests", ActionKinds.TestsAi)]
    public async Task A_base_model_lists_chat_actions_disabled_with_the_reason(string marker, string kind)
    {
        var offer = Assert.Single(await Offers(marker, s_base), o => o.Kind == kind);
        Assert.Contains("needs an instruct model with a chat template; base only fills in the middle", offer.DisabledReason);
    }

    [Theory]
    [InlineData("stub")]
    [InlineData("docs")]
    public async Task A_base_model_can_still_implement_and_document(string marker)
    {
        var offers = await Offers(marker, s_base, withTests: false);
        Assert.NotEmpty(offers);
        Assert.All(offers, o => Assert.Null(o.DisabledReason));
    }

    [Fact]
    public async Task Without_a_model_everything_is_disabled()
    {
        Assert.All(await Offers("stub", null), o => Assert.Equal("No model is loaded", o.DisabledReason));
    }

    [Fact]
    public async Task Errors_not_known_within_the_budget_leave_the_error_fixes_out_of_that_answer_only()
    {
        var at = Source.IndexOf("/*error*/", StringComparison.Ordinal) + 9;
        var workspace = ActionWorkspace.Create(Source.Insert(at, "$$"));
        var state = new TextDocumentState(new Uri(workspace.Document.FilePath!), "csharp", 3, workspace.Text);
        var query = new CodeActionQuery(state, workspace.CaretRange, Automatic: false);
        var impatient = new AiCodeActionProvider(null!, () => s_instruct, Log.Logger) { ErrorBudget = TimeSpan.Zero };
        Assert.Empty(await impatient.OffersAsync(workspace.Document, query, s_instruct, CancellationToken.None));
        Assert.Equal(1, impatient.ErrorsLate);
        // The errors were computed in the background: the next request has them at once.
        await workspace.Document.GetSemanticModelAsync();
        var warm = new AiCodeActionProvider(null!, () => s_instruct, Log.Logger) { ErrorBudget = TimeSpan.FromSeconds(30) };
        Assert.Single(await warm.OffersAsync(workspace.Document, query, s_instruct, CancellationToken.None), o => o.Kind == ActionKinds.QuickFixAi);
    }

    [Fact]
    public async Task An_automatic_request_lists_only_the_quick_fixes()
    {
        Assert.Empty(await Offers("stub", s_instruct, automatic: true));
        Assert.Single(await Offers("error", s_instruct, automatic: true));
    }

    [Fact]
    public async Task Only_filters_by_kind_prefix()
    {
        Assert.Empty(await Offers("error", s_instruct, only: ["refactor"]));
        Assert.Single(await Offers("error", s_instruct, only: ["quickfix"]));
        var rewrites = await Offers("docs", s_instruct, only: ["refactor.rewrite"]);
        Assert.Equal([ActionKinds.DocsAi, ActionKinds.TestsAi], rewrites.Select(o => o.Kind));
    }
}
