using CodeLsp.Features.Completion;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Tests.Completion;

public sealed class AcceptanceTests
{
    private static readonly Uri Doc = new("file:///w/Accept.cs");
    private const string Source = "class C\n{\n    int Sum(int a, int b)\n    {\n        return $$\n    }\n}\n";

    private static (InlineCompletionPipeline Pipeline, ScriptedFimModel Model, AcceptanceStatistics Stats, DocumentStore Store, TextDocumentState State, int Caret) Create()
    {
        var (text, caret) = Markup.Parse(Source);
        var model = new ScriptedFimModel(p => p.Prefix.EndsWith("return ", StringComparison.Ordinal) ? "a + b;" : " // done");
        var stats = new AcceptanceStatistics(path: null);
        var pipeline = new InlineCompletionPipeline(model, new PipelineOptions { Trigger = new TriggerOptions { MinDebounceMs = 0, EmptyLinePauseMs = 0 } }, Log.Logger, stats);
        var store = new DocumentStore();
        return (pipeline, model, stats, store, store.Open(Doc, "csharp", 1, text), caret);
    }

    [Fact]
    public async Task Accept_command_counts_and_prefetches_the_next_suggestion()
    {
        var (pipeline, model, stats, store, state, caret) = Create();
        var outcomes = new List<string>();
        pipeline.Completed += (_, t) => outcomes.Add(t.Outcome);

        var shown = Assert.Single(await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None));
        pipeline.Accepted(shown.SuggestionId);
        var accepted = store.Change(Doc, 2, [new DocumentEdit(new LinePositionSpan(new(4, 15), new(4, 15)), "a + b;")]);
        pipeline.DocumentChanged(Doc, accepted.Text); // the edit that the accept made: not counted twice
        var next = await pipeline.CompleteAsync(new InlineCompletionQuery(accepted, caret + 6, CompletionTrigger.Automatic), CancellationToken.None);

        Assert.Equal(" // done", Assert.Single(next).InsertText);
        Assert.Equal("prefetched", outcomes[^1]);
        Assert.Equal(2, model.Calls); // the first suggestion and the prefetch; the request itself did not ask the model
        var counters = stats.Snapshot().Models["scripted"];
        Assert.Equal(2, counters.Shown);
        Assert.Equal(1, counters.Accepted);
        Assert.Equal(6, counters.AcceptedChars);
    }

    [Fact]
    public async Task Accepting_the_next_word_counts_as_partial()
    {
        var (pipeline, _, stats, store, state, caret) = Create();
        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);

        var partial = store.Change(Doc, 2, [new DocumentEdit(new LinePositionSpan(new(4, 15), new(4, 15)), "a +")]);
        pipeline.DocumentChanged(Doc, partial.Text);

        var counters = stats.Snapshot().Models["scripted"];
        Assert.Equal(1, counters.PartiallyAccepted);
        Assert.Equal(0, counters.Accepted);
        Assert.Equal(3, counters.AcceptedChars);
    }

    [Fact]
    public async Task Unrelated_edits_are_not_acceptances()
    {
        var (pipeline, _, stats, store, state, caret) = Create();
        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);

        var other = store.Change(Doc, 2, [new DocumentEdit(new LinePositionSpan(new(4, 15), new(4, 15)), "x * y")]);
        pipeline.DocumentChanged(Doc, other.Text);

        var counters = stats.Snapshot().Models["scripted"];
        Assert.Equal(1, counters.Shown);
        Assert.Equal(0, counters.PartiallyAccepted + counters.Accepted);
    }

    [Fact]
    public void Statistics_persist_to_their_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "codelsp-stats-" + Guid.NewGuid().ToString("N"), "stats.json");
        using (var stats = new AcceptanceStatistics(path))
        {
            stats.Shown("m", 5);
            stats.Shown("m", 50);
            stats.Accepted("m", 50);
        }
        var data = AcceptanceStatistics.Load(path);
        Assert.Equal(2, data.Models["m"].Shown);
        Assert.Equal(1, data.Models["m"].Accepted);
        Assert.Equal(1, data.ByLength["m"]["41-120 chars"].Accepted);
        Assert.Equal(1, data.ByLength["m"]["1-10 chars"].Shown);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
