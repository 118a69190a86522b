using CodeLsp.Inference.Engines;

namespace CodeLsp.Inference.Tests;

/// <summary>
/// Typing always wins on the completion context: a newer interactive completion takes the model from a running
/// interactive one, between prompt batches or inside a batch (llama.cpp's abort callback), and the KV cache stays
/// exactly what was decoded. Background completions finish.
/// </summary>
[Collection(ModelCollection.Name)]
public sealed class PreemptionTests(ModelFixture models)
{
    private static readonly TimeSpan s_plenty = TimeSpan.FromSeconds(30);

    // ~150 tokens: about 19 batches of 8.
    private static readonly FimPrompt s_long = new(string.Concat(Enumerable.Repeat("int value = 42;\n", 12)) + "public int Add(int a, int b)\n{\n    return", "\n}\n");

    // The user went on typing: the newer prompt starts with the older one's prefix.
    private static readonly FimPrompt s_newer = s_long with { Prefix = s_long.Prefix + " a" };

    public enum Arrival
    {
        /// <summary>The newer request arrives after the third prompt batch.</summary>
        BetweenBatches,

        /// <summary>The newer request arrives as the fourth batch's native decode starts.</summary>
        InsideADecode,
    }

    public static TheoryData<string, WorkPriority, WorkPriority, Arrival, bool> Cases => new()
    {
        // case, older priority, newer priority, when the newer arrives, older preempted
        { "newer typing preempts between batches", WorkPriority.Interactive, WorkPriority.Interactive, Arrival.BetweenBatches, true },
        { "newer typing aborts a running batch", WorkPriority.Interactive, WorkPriority.Interactive, Arrival.InsideADecode, true },
        { "an AI action's completion is not preempted", WorkPriority.Background, WorkPriority.Interactive, Arrival.InsideADecode, false },
        { "background work never preempts typing", WorkPriority.Interactive, WorkPriority.Background, Arrival.InsideADecode, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_newer_interactive_completion_takes_the_model(string name, WorkPriority older, WorkPriority newer, Arrival arrival, bool preempted)
    {
        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        Task<FimCompletion>? second = null;
        var cachedBefore = -1;
        var batches = 0;
        void StartNewer(int cached)
        {
            if (second is not null) return;
            cachedBefore = cached;
            // Registers synchronously, then waits for the model this thread holds.
            second = host.CompleteAsync(s_newer, new GenerationLimits(5, s_plenty) { Priority = newer }, CancellationToken.None);
        }

        var cachedNow = 0;
        host.PromptBatchDecoded = cached =>
        {
            cachedNow = cached;
            if (++batches == 3 && arrival == Arrival.BetweenBatches) StartNewer(cached);
        };
        host.DecodeStarting = () =>
        {
            if (batches == 3 && arrival == Arrival.InsideADecode) StartNewer(cachedNow);
        };

        var first = host.CompleteAsync(s_long, new GenerationLimits(5, s_plenty) { Priority = older }, CancellationToken.None);
        if (preempted)
        {
            await Assert.ThrowsAsync<CompletionPreemptedException>(() => first);
        }
        else
        {
            Assert.Equal(5, (await first).GeneratedTokens);
        }

        Assert.NotNull(second);
        var answer = await second;
        host.PromptBatchDecoded = null;
        host.DecodeStarting = null;

        Assert.Equal(preempted && arrival == Arrival.InsideADecode ? 1 : 0, host.AbortedDecodes);
        if (preempted)
        {
            // Exactly the batches decoded before the newer request came are reused; the aborted batch left nothing.
            Assert.Equal(cachedBefore, answer.ReusedPromptTokens);
        }

        using var cold = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        var fresh = await cold.CompleteAsync(s_newer, new GenerationLimits(5, s_plenty), CancellationToken.None);
        Assert.True(fresh.Text == answer.Text, $"{name}: the newer answer differs from a fresh context's");
    }

    [Fact]
    public async Task Of_the_requests_waiting_the_newest_goes_first_and_the_older_ones_never_decode()
    {
        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        Task<FimCompletion>? middle = null;
        Task<FimCompletion>? newest = null;
        var cachedAtPreemption = -1;
        host.PromptBatchDecoded = cached =>
        {
            if (middle is not null) return;
            cachedAtPreemption = cached;
            // A different document (no shared prefix), then the one the user types in now.
            middle = host.CompleteAsync(new FimPrompt("class Other\n{\n", "}\n"), new GenerationLimits(5, s_plenty), CancellationToken.None);
            newest = host.CompleteAsync(s_newer, new GenerationLimits(5, s_plenty), CancellationToken.None);
            Assert.Equal(2, host.Preemption.Waiting);
        };

        await Assert.ThrowsAsync<CompletionPreemptedException>(() => host.CompleteAsync(s_long, new GenerationLimits(5, s_plenty), CancellationToken.None));
        await Assert.ThrowsAsync<CompletionPreemptedException>(() => middle!);
        var answer = await newest!;

        // Had the middle request decoded anything, its prompt would have replaced the cached one.
        Assert.Equal(cachedAtPreemption, answer.ReusedPromptTokens);
        Assert.Equal(0, host.Preemption.Waiting);
    }

    [Fact]
    public async Task A_waiting_request_that_is_cancelled_preempts_nothing()
    {
        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        using var cts = new CancellationTokenSource();
        Task<FimCompletion>? cancelled = null;
        host.PromptBatchDecoded = _ =>
        {
            if (cancelled is not null) return;
            cancelled = host.CompleteAsync(s_newer, new GenerationLimits(5, s_plenty), cts.Token);
            cts.Cancel();
        };

        var first = await host.CompleteAsync(s_long, new GenerationLimits(5, s_plenty), CancellationToken.None);

        Assert.Equal(5, first.GeneratedTokens);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled!);
        Assert.Equal(0, host.AbortedDecodes);
    }
}
