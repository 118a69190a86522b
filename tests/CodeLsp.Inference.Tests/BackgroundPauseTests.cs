using CodeLsp.Inference.Engines;

namespace CodeLsp.Inference.Tests;

/// <summary>
/// Typing always wins over a background completion (an AI action's body, a next edit) on the completion context:
/// it pauses within one decode step for any interactive completion, lets it run, then re-decodes what the cache
/// lost and continues. Greedy decoding makes its answer exactly the one an uninterrupted run gives. The order of
/// events is observed through the host's hooks on the inference thread, never by timing.
/// </summary>
[Collection(ModelCollection.Name)]
public sealed class BackgroundPauseTests(ModelFixture models)
{
    private static readonly TimeSpan s_plenty = TimeSpan.FromSeconds(30);

    // ~150 tokens: about 19 batches of 8.
    private static readonly FimPrompt s_action = new(string.Concat(Enumerable.Repeat("int value = 42;\n", 12)) + "public int Add(int a, int b)\n{\n", "\n}\n");

    public enum Point
    {
        /// <summary>Typing arrives as the background's n-th prompt batch ends.</summary>
        AfterPromptBatch,

        /// <summary>Typing arrives as the background's n-th prompt batch starts its native decode (llama.cpp aborts it).</summary>
        InsideAPromptBatch,

        /// <summary>Typing arrives after the background generated n tokens.</summary>
        AfterToken,
    }

    /// <param name="Name">What the case shows.</param>
    /// <param name="Where">Where typing arrives.</param>
    /// <param name="At">The batch or token counts at which it arrives, one pause each.</param>
    /// <param name="Together">Interactive requests arriving at once at each point (only the newest runs).</param>
    /// <param name="SharesPrefix">Whether the typed request shares the background's prefix, so part of the cache survives.</param>
    /// <param name="AgainOnResume">Whether another keystroke arrives just as the background gets the model back after its first pause.</param>
    public sealed record Interruption(string Name, Point Where, int[] At, int Together = 1, bool SharesPrefix = false, bool AgainOnResume = false)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Interruption> Interruptions =>
    [
        new("typing between prompt batches", Point.AfterPromptBatch, [2]),
        new("typing aborts a running prompt batch", Point.InsideAPromptBatch, [3]),
        new("typing in the same document keeps the shared prefix", Point.AfterPromptBatch, [10], SharesPrefix: true),
        new("typing after the first generated token", Point.AfterToken, [1]),
        new("typing mid-generation", Point.AfterToken, [9]),
        new("typing mid-generation in the same document", Point.AfterToken, [9], SharesPrefix: true),
        new("several keystrokes in a row", Point.AfterToken, [3, 6, 7, 12]),
        new("two keystrokes at once: only the newer runs", Point.AfterToken, [5], Together: 2),
        new("typing during the prompt and during generation", Point.AfterPromptBatch, [4, 15]),
        new("typing again as the background resumes", Point.AfterToken, [4], AgainOnResume: true),
    ];

    [Theory]
    [MemberData(nameof(Interruptions))]
    public async Task A_paused_background_completion_answers_as_if_uninterrupted(Interruption interruption)
    {
        var limits = new GenerationLimits(24, Timeout.InfiniteTimeSpan) { Priority = WorkPriority.Background };
        var expected = await UninterruptedAsync(s_action, limits);

        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        var typing = new Typing(host, interruption);
        var answer = await host.CompleteAsync(s_action, limits, CancellationToken.None);
        var typed = await typing.AllAsync();

        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal(expected.StopReason, answer.StopReason);
        Assert.Equal(expected.GeneratedTokens, answer.GeneratedTokens);
        var pauses = interruption.At.Length + (interruption.AgainOnResume ? 1 : 0);
        Assert.Equal(pauses, answer.Pauses);
        Assert.Equal(expected.PromptTokens, answer.PromptTokens);

        // Each keystroke ran entirely while the background was paused, and no background decode started after it arrived.
        Assert.Equal(typing.Expected, typing.Log);
        Assert.All(typing.DecodesBeforePause, d => Assert.Equal(0, d));
        Assert.Equal(interruption.Where == Point.InsideAPromptBatch ? interruption.At.Length : 0, host.AbortedDecodes);
        Assert.Equal(pauses * (interruption.Together - 1), typed.Count(t => t is null));
        Assert.All(typed.OfType<FimCompletion>(), t => Assert.Equal(4, t.GeneratedTokens));
        if (interruption.SharesPrefix)
        {
            // Only the part after the shared prefix was lost.
            Assert.InRange(answer.RedecodedTokens, 0, 20);
        }
        else if (interruption.Where == Point.AfterToken)
        {
            // Another document replaced the cache: the prompt and the tokens generated so far are decoded again.
            Assert.True(answer.RedecodedTokens >= answer.PromptTokens - 2, $"{answer.RedecodedTokens} tokens decoded again");
        }
    }

    public enum StopKind
    {
        MaxTokens,
        StoppedByCaller,
        ContextFull,
        EndOfGeneration,
    }

    public static TheoryData<StopKind, Point, int> StopCases => new()
    {
        // how the background's answer ends, where typing arrives, at which batch or token
        { StopKind.MaxTokens, Point.AfterToken, 5 },
        { StopKind.StoppedByCaller, Point.AfterToken, 5 },
        { StopKind.ContextFull, Point.AfterToken, 20 },
        { StopKind.ContextFull, Point.InsideAPromptBatch, 2 },
        { StopKind.EndOfGeneration, Point.AfterPromptBatch, 3 },
    };

    [Theory]
    [MemberData(nameof(StopCases))]
    public async Task A_paused_background_completion_stops_for_the_same_reason(StopKind stop, Point where, int at)
    {
        var model = stop == StopKind.EndOfGeneration ? models.Model("eot", new TinyModelOptions { PreferEndOfText = true }) : models.DefaultModel;
        var contextSize = stop == StopKind.ContextFull ? 64 : 1024;
        var limits = new GenerationLimits(stop == StopKind.MaxTokens ? 12 : 10_000, Timeout.InfiniteTimeSpan)
        {
            Priority = WorkPriority.Background,
            StopWhen = stop == StopKind.StoppedByCaller ? text => text.Length >= 20 : null,
        };

        var expected = await UninterruptedAsync(s_action, limits, model, contextSize);
        using var host = await models.LoadAsync(model, contextSize, batchSize: 8);
        var typing = new Typing(host, new Interruption(stop.ToString(), where, [at]));
        var answer = await host.CompleteAsync(s_action, limits, CancellationToken.None);
        await typing.AllAsync();

        Assert.Equal(stop.ToString(), answer.StopReason.ToString());
        Assert.Equal(expected.StopReason, answer.StopReason);
        Assert.Equal(expected.Text, answer.Text);
        Assert.Equal(expected.GeneratedTokens, answer.GeneratedTokens);
        Assert.Equal(1, answer.Pauses);
        Assert.Equal(typing.Expected, typing.Log);
    }

    public enum CancelPoint
    {
        /// <summary>While the interactive request runs and the background waits for the model.</summary>
        WhilePaused,

        /// <summary>As the background gets the model back.</summary>
        OnResume,

        /// <summary>While it re-decodes what the typing replaced in the cache.</summary>
        WhileRedecoding,
    }

    [Theory]
    [InlineData(CancelPoint.WhilePaused)]
    [InlineData(CancelPoint.OnResume)]
    [InlineData(CancelPoint.WhileRedecoding)]
    public async Task A_paused_background_completion_can_be_cancelled_and_the_model_serves_on(CancelPoint point)
    {
        var limits = new GenerationLimits(16, Timeout.InfiniteTimeSpan) { Priority = WorkPriority.Background };
        var expected = await UninterruptedAsync(s_action, limits);
        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        using var cts = new CancellationTokenSource();
        var typing = new Typing(host, new Interruption(point.ToString(), Point.AfterToken, [6]));
        var paused = host.Paused!;
        var resumed = host.Resumed!;
        var batchDecoded = host.PromptBatchDecoded!;
        var redecoding = false;
        host.Paused = generated =>
        {
            paused(generated);
            if (point == CancelPoint.WhilePaused) cts.Cancel();
        };
        host.Resumed = generated =>
        {
            resumed(generated);
            redecoding = true;
            if (point == CancelPoint.OnResume) cts.Cancel();
        };
        host.PromptBatchDecoded = cached =>
        {
            batchDecoded(cached);
            if (point == CancelPoint.WhileRedecoding && redecoding) cts.Cancel();
        };

        var cancelled = host.CompleteAsync(s_action, limits, cts.Token);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.IsNotType<CompletionPreemptedException>(error);
        var typed = await typing.AllAsync();
        Assert.Equal(4, Assert.Single(typed)!.GeneratedTokens);
        List<string> log = point == CancelPoint.WhilePaused ? ["pause", "typing"] : typing.Expected;
        Assert.Equal(log, typing.Log);

        host.Paused = host.Resumed = null;
        host.PromptBatchDecoded = null;
        host.TokenGenerated = null;
        var again = await host.CompleteAsync(s_action, limits, CancellationToken.None);
        Assert.Equal(expected.Text, again.Text);
        Assert.Equal(0, host.Preemption.Waiting);
    }

    private async Task<FimCompletion> UninterruptedAsync(FimPrompt prompt, GenerationLimits limits, string? model = null, int contextSize = 1024)
    {
        using var cold = await models.LoadAsync(model ?? models.DefaultModel, contextSize, batchSize: 8);
        var answer = await cold.CompleteAsync(prompt, limits, CancellationToken.None);
        Assert.Equal(0, answer.Pauses);
        return answer;
    }

    /// <summary>
    /// Types into another document (or the same one) at the interruption's points of the background run, and logs,
    /// on the inference thread, when the background pauses and resumes and when each typed request generates.
    /// </summary>
    private sealed class Typing
    {
        private readonly ModelHost _host;
        private readonly Interruption _interruption;
        private readonly Queue<int> _points;
        private readonly List<Task<FimCompletion>> _requests = [];
        private bool _background = true;
        private int _batches;
        private int _decodesAtArrival;
        private bool _typedOnResume;

        public Typing(ModelHost host, Interruption interruption)
        {
            _host = host;
            _interruption = interruption;
            _points = new Queue<int>(interruption.At);
            host.PromptBatchDecoded = _ =>
            {
                if (!_background)
                {
                    Note("typing");
                    return;
                }

                _batches++;
                if (interruption.Where == Point.AfterPromptBatch) TypeAt(_batches);
            };
            host.DecodeStarting = () =>
            {
                if (_background && interruption.Where == Point.InsideAPromptBatch) TypeAt(_batches + 1);
            };
            host.TokenGenerated = generated =>
            {
                if (!_background) Note("typing");
                else if (interruption.Where == Point.AfterToken) TypeAt(generated);
            };
            host.Paused = _ =>
            {
                Note("pause");
                DecodesBeforePause.Add(host.DecodeCalls - _decodesAtArrival);
                _background = false;
            };
            host.Resumed = _ =>
            {
                Note("resume");
                _background = true;
                if (interruption.AgainOnResume && !_typedOnResume)
                {
                    _typedOnResume = true;
                    _points.Enqueue(-1);
                    TypeAt(-1);
                }
            };

            for (var point = 0; point < interruption.At.Length + (interruption.AgainOnResume ? 1 : 0); point++)
            {
                Expected.AddRange(["pause", "typing", "resume"]);
            }
        }

        /// <summary>What happened, in order: pauses, resumes, and "typing" while typed requests decoded (repeats folded).</summary>
        public List<string> Log { get; } = [];

        public List<string> Expected { get; } = [];

        /// <summary>For each pause, the background decodes started between the typing's arrival and the pause.</summary>
        public List<int> DecodesBeforePause { get; } = [];

        /// <summary>Each typed request's answer, or null when a newer keystroke preempted it.</summary>
        public async Task<List<FimCompletion?>> AllAsync()
        {
            var answers = new List<FimCompletion?>();
            foreach (var request in _requests)
            {
                try
                {
                    answers.Add(await request);
                }
                catch (CompletionPreemptedException)
                {
                    answers.Add(null);
                }
            }

            return answers;
        }

        private void TypeAt(int count)
        {
            if (_points.Count == 0 || _points.Peek() != count) return;
            _points.Dequeue();
            // DecodeCalls counts a decode as it starts; one starting now is the one typing may wait for.
            _decodesAtArrival = _host.DecodeCalls;
            for (var i = 0; i < _interruption.Together; i++)
            {
                var n = _requests.Count + 1;
                var prompt = _interruption.SharesPrefix
                    ? s_action with { Suffix = $"\n    // typed {n}\n}}\n" }
                    : new FimPrompt($"class Other{n}\n{{\n    void M() {{ var x = ", " }\n}\n");
                // Registers synchronously, then waits for the model this (inference) thread holds.
                _requests.Add(_host.CompleteAsync(prompt, new GenerationLimits(4, s_plenty), CancellationToken.None));
            }
        }

        private void Note(string what)
        {
            if (Log.Count == 0 || Log[^1] != what) Log.Add(what);
        }
    }
}
