using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Documents;
using Serilog;

namespace CodeLsp.Features.Tests.Completion;

[Collection(TinyModelCollection.Name)]
public sealed class InlineCompletionPipelineTests(TinyModelFixture model)
{
    private static readonly Uri Doc = new("file:///w/Sample.cs");
    private const string Source = "class C\n{\n    int Sum(int a, int b)\n    {\n        return $$\n    }\n}\n";

    private static (DocumentStore Store, TextDocumentState State, int Caret) Open(string markup)
    {
        var (text, caret) = Markup.Parse(markup);
        var store = new DocumentStore();
        return (store, store.Open(Doc, "csharp", 1, text), caret);
    }

    private static PipelineOptions Options(int debounceMs = 0) => new()
    {
        MaxTokens = 16,
        Trigger = new TriggerOptions { MinDebounceMs = debounceMs, MaxDebounceMs = Math.Max(debounceMs, 1), EmptyLinePauseMs = debounceMs },
    };

    [Fact]
    public async Task Real_model_generates_for_an_invoked_request()
    {
        var pipeline = new InlineCompletionPipeline(new LocalEngine(model.Host), Options(), Log.Logger);
        CompletionTrace? trace = null;
        pipeline.Completed += (_, t) => trace = t;
        var (_, state, caret) = Open(Source);

        var results = await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);

        Assert.NotNull(trace?.Model);
        Assert.True(trace.Model.GeneratedTokens > 0);
        Assert.True(trace.Model.PromptTokens > 10);
        Assert.False(trace.MultiLine);
        // Random weights: the text is noise, but whatever survives cleaning is a non-blank single line at the caret.
        Assert.All(results, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.InsertText));
            Assert.DoesNotContain('\n', r.InsertText);
            Assert.Equal(caret, r.Range.Start);
        });
        Assert.Equal(results.Count == 0 ? "empty after cleaning" : "model", trace.Outcome);
    }

    [Fact]
    public async Task Newer_request_for_the_same_document_supersedes_the_older()
    {
        var pipeline = new InlineCompletionPipeline(new LocalEngine(model.Host), Options(debounceMs: 200), Log.Logger);
        var outcomes = new List<string>();
        pipeline.Completed += (_, t) => { lock (outcomes) outcomes.Add(t.Outcome); };
        var (store, state, caret) = Open(Source);

        var first = pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Automatic), CancellationToken.None);
        var typed = store.Change(Doc, 2, [new DocumentEdit(new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(4, 15), new(4, 15)), "a")]);
        var second = pipeline.CompleteAsync(new InlineCompletionQuery(typed, caret + 1, CompletionTrigger.Automatic), CancellationToken.None);

        Assert.Empty(await first);
        await second;
        Assert.Equal("superseded", outcomes[0]);
        Assert.Contains(outcomes[1], new[] { "model", "empty after cleaning" });
    }

    [Fact]
    public async Task Cancelled_request_throws_and_the_model_keeps_serving()
    {
        var pipeline = new InlineCompletionPipeline(new LocalEngine(model.Host), Options(debounceMs: 500), Log.Logger);
        var (_, state, caret) = Open(Source);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Automatic), cts.Token));

        CompletionTrace? trace = null;
        pipeline.Completed += (_, t) => trace = t;
        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);
        Assert.True(trace?.Model?.GeneratedTokens > 0);
    }

    [Fact]
    public async Task Typing_through_a_suggestion_answers_without_the_model()
    {
        var scripted = new ScriptedFimModel(_ => "a + b;");
        var pipeline = new InlineCompletionPipeline(scripted, Options(), Log.Logger);
        var (store, state, caret) = Open(Source);

        var shown = await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);
        Assert.Equal("a + b;", Assert.Single(shown).InsertText);

        var typed = store.Change(Doc, 2, [new DocumentEdit(new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(4, 15), new(4, 15)), "a +")]);
        var rest = await pipeline.CompleteAsync(new InlineCompletionQuery(typed, caret + 3, CompletionTrigger.Automatic), CancellationToken.None);
        Assert.Equal(" b;", Assert.Single(rest).InsertText);
        Assert.Equal(1, scripted.Calls);

        // Typing something the suggestion did not predict goes back to the model.
        var diverged = store.Change(Doc, 3, [new DocumentEdit(new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(4, 18), new(4, 18)), "-")]);
        await pipeline.CompleteAsync(new InlineCompletionQuery(diverged, caret + 4, CompletionTrigger.Automatic), CancellationToken.None);
        Assert.Equal(2, scripted.Calls);
    }

    [Fact]
    public async Task Selected_completion_item_starts_the_suggestion()
    {
        var scripted = new ScriptedFimModel(p => p.Prefix.EndsWith("Console.WriteLine", StringComparison.Ordinal) ? "(a);" : "wrong");
        var pipeline = new InlineCompletionPipeline(scripted, Options(), Log.Logger);
        var (_, state, caret) = Open("class C\n{\n    void M(int a)\n    {\n        Console.Wri$$\n    }\n}\n");
        var selected = new SelectedCompletion(new Microsoft.CodeAnalysis.Text.TextSpan(caret - 3, 3), "WriteLine");

        var results = await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Automatic, selected), CancellationToken.None);

        var item = Assert.Single(results);
        Assert.Equal("WriteLine(a);", item.InsertText);
        Assert.Equal(selected.Range, item.Range);
    }
}
