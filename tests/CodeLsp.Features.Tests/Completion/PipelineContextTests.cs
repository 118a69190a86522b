using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Documents;
using Serilog;

namespace CodeLsp.Features.Tests.Completion;

public sealed class PipelineContextTests
{
    private const string CartSource = """
        namespace Shop;
        public sealed class Cart
        {
            /// <summary>Adds an item.</summary>
            public void AddItem(string sku, int quantity) { }
            public decimal Total() => 0m;
        }
        """;

    private const string Source = """
        namespace Shop;
        public static class Checkout
        {
            public static void Run(Cart cart)
            {
                cart.$$
            }
        }
        """;

    [Fact]
    public async Task The_prompt_carries_the_receivers_members_and_keeps_them_while_typing_the_name()
    {
        var prompts = new List<FimPrompt>();
        var model = new ScriptedFimModel(p => { lock (prompts) prompts.Add(p); return "AddItem(\"a\", 1);"; });
        using var workspace = new WorkspaceHost(Log.Logger);
        var options = new PipelineOptions { ContextWait = TimeSpan.FromSeconds(30), Trigger = new TriggerOptions { MinDebounceMs = 0 } };
        var pipeline = new InlineCompletionPipeline(model, options, Log.Logger, workspace: workspace);
        var (text, caret) = Markup.Parse(Source);
        var store = new DocumentStore();
        var uri = new Uri("file:///w/Checkout.cs");
        var state = store.Open(uri, "csharp", 1, text);
        // Cart lives in another open file: outside the prompt's window, so its members are context.
        workspace.GetDocument(new Uri("file:///w/Cart.cs"), store.Open(new Uri("file:///w/Cart.cs"), "csharp", 1, CartSource).Text);

        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);
        var typed = store.Change(uri, 2, [new DocumentEdit(new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(5, 13), new(5, 13)), "To")]);
        await pipeline.CompleteAsync(new InlineCompletionQuery(typed, caret + 2, CompletionTrigger.Invoked), CancellationToken.None);

        Assert.Equal(2, prompts.Count);
        Assert.NotNull(prompts[0].Context);
        Assert.True(prompts[0].Context!.Contains("AddItem(string sku, int quantity)", StringComparison.Ordinal), prompts[0].Context);
        Assert.Contains("Total()", prompts[0].Context);
        // Typing the member name keeps the same context, so the model's cache still matches the prompt's start.
        Assert.Equal(prompts[0].Context, prompts[1].Context);
    }

    [Fact]
    public async Task Context_tokens_zero_turns_it_off()
    {
        FimPrompt? seen = null;
        var model = new ScriptedFimModel(p => { seen = p; return "Total();"; });
        using var workspace = new WorkspaceHost(Log.Logger);
        var pipeline = new InlineCompletionPipeline(model, new PipelineOptions { ContextTokens = 0 }, Log.Logger, workspace: workspace);
        var (text, caret) = Markup.Parse(Source);
        var state = new DocumentStore().Open(new Uri("file:///w/Checkout.cs"), "csharp", 1, text);

        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);

        Assert.NotNull(seen);
        Assert.Null(seen.Context);
    }
}
