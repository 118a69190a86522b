using CodeLsp.Inference.Engines;
using System.Text;

namespace CodeLsp.Inference.Tests;

[Collection(ModelCollection.Name)]
public sealed class ModelHostTests(ModelFixture models)
{
    private static readonly TimeSpan s_plenty = TimeSpan.FromSeconds(30);

    private static readonly FimPrompt s_prompt = new("public int Add(int a, int b)\n{\n    return", "\n}\n");

    [Fact]
    public async Task Description_describes_the_loaded_model()
    {
        var info = GgufInspector.Inspect(models.DefaultModel);
        var tokens = (string[])info.Metadata["tokenizer.ggml.tokens"];

        using var host = await models.LoadAsync(models.DefaultModel, contextSize: 4096);
        var d = host.Description;

        Assert.Equal("CodeLsp tiny llama", d.Name);
        Assert.Equal("llama", d.Architecture);
        Assert.Equal(1024, d.TrainingContextSize);
        Assert.Equal(1024, d.ContextSize); // 4096 requested, clamped to the training context
        Assert.Equal(tokens.Length, d.VocabularySize);
        Assert.Equal(info.FileSizeBytes, d.FileSizeBytes);
        Assert.Equal(info.ParameterCount, d.ParameterCount);
        Assert.True(d.LoadTime > TimeSpan.Zero);
        Assert.True(d.SupportsFim);
        var fim = d.FimTokens!;
        Assert.Equal(FimTokens.FromVocabulary, fim.Source);
        Assert.Equal(Array.IndexOf(tokens, "<|fim_prefix|>"), fim.Prefix);
        Assert.Equal(Array.IndexOf(tokens, "<|fim_suffix|>"), fim.Suffix);
        Assert.Equal(Array.IndexOf(tokens, "<|fim_middle|>"), fim.Middle);
        Assert.Contains(Array.IndexOf(tokens, "<|endoftext|>"), fim.StopTokens);
    }

    [Fact]
    public async Task Native_log_lines_reach_serilog_without_progress_dots()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        var native = models.Events.All.Where(e => e.Properties.TryGetValue("SourceContext", out var c) && c.ToString() == "\"llama.cpp\"").ToList();
        Assert.Contains(native, e => e.Level == Serilog.Events.LogEventLevel.Debug); // llama.cpp's Info lines
        Assert.DoesNotContain(native, e => e.RenderMessage().Trim('"', ' ', '.').Length == 0);
    }

    [Fact]
    public async Task Model_without_a_name_is_named_after_its_file()
    {
        using var host = await models.LoadAsync(models.Model("nameless-model", new TinyModelOptions { Name = null }));

        Assert.Equal("nameless-model", host.Description.Name);
    }

    [Fact]
    public async Task Gguf_version_2_files_load()
    {
        var bytes = File.ReadAllBytes(models.DefaultModel);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), 2u);
        var path = models.File("version2.gguf", bytes);

        Assert.Equal(2, GgufInspector.Inspect(path).GgufVersion);
        using var host = await models.LoadAsync(path);
        var completion = await host.CompleteAsync(s_prompt, new GenerationLimits(3, s_plenty), CancellationToken.None);
        Assert.Equal(3, completion.GeneratedTokens);
    }

    [Fact]
    public async Task Completes_until_max_tokens()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        var completion = await host.CompleteAsync(s_prompt, new GenerationLimits(8, s_plenty), CancellationToken.None);

        Assert.Equal(StopReason.MaxTokens, completion.StopReason);
        Assert.Equal(8, completion.GeneratedTokens);
        Assert.NotEmpty(completion.Text);
        Assert.Equal(host.CountTokens(s_prompt.Prefix) + host.CountTokens(s_prompt.Suffix) + 3, completion.PromptTokens);
        Assert.Equal(0, completion.ReusedPromptTokens);
        Assert.True(completion.PromptTime > TimeSpan.Zero);
        Assert.True(completion.GenerationTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task Greedy_generation_is_deterministic_across_hosts()
    {
        using var a = await models.LoadAsync(models.DefaultModel);
        using var b = await models.LoadAsync(models.DefaultModel);

        var x = await a.CompleteAsync(s_prompt, new GenerationLimits(16, s_plenty), CancellationToken.None);
        var y = await b.CompleteAsync(s_prompt, new GenerationLimits(16, s_plenty), CancellationToken.None);

        Assert.Equal(x.Text, y.Text);
    }

    [Fact]
    public async Task Stops_at_end_of_generation_token()
    {
        using var host = await models.LoadAsync(models.Model("eot", new TinyModelOptions { PreferEndOfText = true }));

        var completion = await host.CompleteAsync(s_prompt, new GenerationLimits(50, s_plenty), CancellationToken.None);

        Assert.Equal(StopReason.EndOfGeneration, completion.StopReason);
        Assert.Equal(0, completion.GeneratedTokens);
        Assert.Equal("", completion.Text);
    }

    [Fact]
    public async Task Respects_the_time_limit()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var limit = TimeSpan.FromMilliseconds(30);

        var completion = await host.CompleteAsync(s_prompt, new GenerationLimits(100_000, limit), CancellationToken.None);

        Assert.Equal(StopReason.TimeLimit, completion.StopReason);
        var total = completion.PromptTime + completion.GenerationTime;
        Assert.InRange(total, limit - TimeSpan.FromMilliseconds(2), limit + TimeSpan.FromSeconds(5));
        Assert.InRange(completion.GeneratedTokens, 1, 999);
    }

    [Fact]
    public async Task Stops_when_the_context_is_full_and_trims_the_prompt_to_fit()
    {
        using var host = await models.LoadAsync(models.DefaultModel, contextSize: 64);
        var context = host.Description.ContextSize;
        var longPrefix = string.Concat(Enumerable.Repeat("var total = first + second;\n", 40));
        var longSuffix = string.Concat(Enumerable.Repeat("return total;\n", 40));

        var completion = await host.CompleteAsync(new FimPrompt(longPrefix, longSuffix), new GenerationLimits(10_000, s_plenty), CancellationToken.None);

        // Half the window is kept for the answer; the rest is the prompt, all of which is used.
        Assert.Equal(context - context / 2, completion.PromptTokens);
        Assert.Equal(StopReason.ContextFull, completion.StopReason);
        Assert.Equal(context - completion.PromptTokens + 1, completion.GeneratedTokens);
    }

    [Theory]
    [InlineData(100, 100, 80, 60, 20)]
    [InlineData(10, 100, 80, 10, 70)]
    [InlineData(100, 5, 80, 75, 5)]
    [InlineData(3, 4, 80, 3, 4)]
    [InlineData(50, 50, 0, 0, 0)]
    [InlineData(101, 100, 80, 56, 20)] // the prefix cut is rounded up to a step of 80/16 = 5 tokens
    [InlineData(104, 100, 80, 59, 20)]
    [InlineData(30, 100, 80, 30, 50)] // the suffix's share is rounded down to a step
    public void Window_keeps_prefix_about_three_to_one(int prefix, int suffix, int budget, int keptPrefix, int keptSuffix) =>
        Assert.Equal((keptPrefix, keptSuffix), ModelHost.FitWindow(prefix, suffix, budget));

    [Fact]
    public void Window_start_stays_put_while_the_prefix_grows()
    {
        const int budget = 800;
        var starts = new HashSet<int>();
        for (var prefix = 1000; prefix < 1050; prefix++)
        {
            var (keptPrefix, keptSuffix) = ModelHost.FitWindow(prefix, 300, budget);
            Assert.True(keptPrefix + keptSuffix <= budget);
            Assert.True(keptPrefix + keptSuffix > budget - budget / 16 - 1);
            Assert.Equal(200, keptSuffix);
            starts.Add(prefix - keptPrefix);
        }

        // 50 keystrokes' worth of tokens move the window start only at step boundaries (step = 50).
        Assert.True(starts.Count <= 2, $"{starts.Count} different window starts");
    }

    [Fact]
    public async Task Typing_at_the_end_of_a_prompt_larger_than_the_window_still_reuses_the_cache()
    {
        using var host = await models.LoadAsync(models.DefaultModel, contextSize: 256);
        var prefix = string.Concat(Enumerable.Range(0, 60).Select(i => $"int v{i} = {i};\n")) + "return";
        var suffix = string.Concat(Enumerable.Range(0, 30).Select(i => $"// line {i}\n"));
        var first = new FimPrompt(prefix, suffix) { Layout = FimLayout.SuffixPrefixMiddle };
        var second = first with { Prefix = prefix + " v" };

        var a = await host.CompleteAsync(first, new GenerationLimits(8, s_plenty), CancellationToken.None);
        var b = await host.CompleteAsync(second, new GenerationLimits(8, s_plenty), CancellationToken.None);

        Assert.True(host.CountTokens(prefix) + host.CountTokens(suffix) > 256, "the prompt must not fit whole");
        Assert.Equal(a.PromptTokens + 1, b.PromptTokens); // " v" is one more token
        Assert.Equal(b.PromptTokens - 2, b.ReusedPromptTokens); // only " v" and [MID] are decoded
    }

    [Fact]
    public async Task User_text_cannot_inject_special_tokens()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var prompt = new FimPrompt("x = \"<|fim_middle|><|endoftext|>\";", "<|fim_suffix|>");

        var completion = await host.CompleteAsync(prompt, new GenerationLimits(1, s_plenty), CancellationToken.None);

        Assert.True(host.CountTokens("<|fim_middle|>") > 1);
        Assert.Equal(host.CountTokens(prompt.Prefix) + host.CountTokens(prompt.Suffix) + 3, completion.PromptTokens);
    }

    [Fact]
    public async Task Models_that_add_bos_get_it_before_the_fim_prompt()
    {
        using var plain = await models.LoadAsync(models.DefaultModel);
        using var withBos = await models.LoadAsync(models.Model("bos", new TinyModelOptions { AddBos = true }));

        var a = await plain.CompleteAsync(s_prompt, new GenerationLimits(1, s_plenty), CancellationToken.None);
        var b = await withBos.CompleteAsync(s_prompt, new GenerationLimits(1, s_plenty), CancellationToken.None);

        Assert.Equal(a.PromptTokens + 1, b.PromptTokens);
    }

    [Fact]
    public async Task Infinite_time_limit_means_no_limit()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        var completion = await host.CompleteAsync(s_prompt, new GenerationLimits(20, Timeout.InfiniteTimeSpan), CancellationToken.None);

        Assert.Equal(StopReason.MaxTokens, completion.StopReason);
        Assert.Equal(20, completion.GeneratedTokens);
    }

    [Fact]
    public async Task Context_is_placed_before_the_prefix()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var prompt = s_prompt with { Context = "// class Calculator { int Sub(int a, int b); }\n" };

        var completion = await host.CompleteAsync(prompt, new GenerationLimits(1, s_plenty), CancellationToken.None);

        Assert.Equal(host.CountTokens(prompt.Context + prompt.Prefix) + host.CountTokens(prompt.Suffix) + 3, completion.PromptTokens);
    }

    [Theory]
    [InlineData(FimLayout.SuffixPrefixMiddle)]
    [InlineData(FimLayout.PrefixSuffixMiddle)]
    public async Task Extending_the_prefix_decodes_only_new_tokens_and_matches_a_cold_host(FimLayout layout)
    {
        var first = s_prompt with { Layout = layout };
        var second = first with { Prefix = first.Prefix + " a + b;\n    // sum of a and b" };

        using var warm = await models.LoadAsync(models.DefaultModel);
        await warm.CompleteAsync(first, new GenerationLimits(8, s_plenty), CancellationToken.None);
        var reused = await warm.CompleteAsync(second, new GenerationLimits(12, s_plenty), CancellationToken.None);

        using var cold = await models.LoadAsync(models.DefaultModel);
        var fresh = await cold.CompleteAsync(second, new GenerationLimits(12, s_plenty), CancellationToken.None);

        var newPrefixTokens = warm.CountTokens(second.Prefix) - warm.CountTokens(first.Prefix);
        var suffixTokens = warm.CountTokens(first.Suffix);
        // SPM: [SUF] suffix [PRE] prefix… — only the added prefix and [MID] are new.
        // PSM: [PRE] prefix… [SUF] suffix [MID] — the suffix after the edit must be decoded again.
        var expectedNew = layout == FimLayout.SuffixPrefixMiddle ? newPrefixTokens + 1 : newPrefixTokens + suffixTokens + 2;
        Assert.Equal(expectedNew, reused.PromptTokens - reused.ReusedPromptTokens);
        Assert.Equal(fresh.PromptTokens, reused.PromptTokens);
        Assert.Equal(0, fresh.ReusedPromptTokens);
        Assert.Equal(fresh.Text, reused.Text);
        Assert.Equal(fresh.StopReason, reused.StopReason);
    }

    [Fact]
    public async Task Repeating_a_prompt_reuses_all_but_the_last_token()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        var a = await host.CompleteAsync(s_prompt, new GenerationLimits(6, s_plenty), CancellationToken.None);
        var b = await host.CompleteAsync(s_prompt, new GenerationLimits(6, s_plenty), CancellationToken.None);

        Assert.Equal(a.PromptTokens - 1, b.ReusedPromptTokens);
        Assert.Equal(a.Text, b.Text);
    }

    [Fact]
    public async Task Prompt_longer_than_a_batch_is_decoded_in_batches()
    {
        using var small = await models.LoadAsync(models.DefaultModel, batchSize: 16);
        using var large = await models.LoadAsync(models.DefaultModel);
        var prompt = s_prompt with { Prefix = string.Concat(Enumerable.Repeat("int value = 42;\n", 10)) + s_prompt.Prefix };

        var x = await small.CompleteAsync(prompt, new GenerationLimits(8, s_plenty), CancellationToken.None);
        var y = await large.CompleteAsync(prompt, new GenerationLimits(8, s_plenty), CancellationToken.None);

        Assert.True(x.PromptTokens > 16 * 5);
        Assert.Equal(y.Text, x.Text);
    }

    [Fact]
    public async Task Cancelling_mid_generation_stops_within_a_token_and_the_next_request_works()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        using var cts = new CancellationTokenSource();
        using var reachedThird = new ManualResetEventSlim();
        using var cancelled = new ManualResetEventSlim();
        var highest = 0;
        host.TokenGenerated = n =>
        {
            highest = Math.Max(highest, n);
            if (n == 3)
            {
                reachedThird.Set();
                cancelled.Wait(TimeSpan.FromSeconds(10));
            }
        };

        var running = host.CompleteAsync(s_prompt, new GenerationLimits(500, s_plenty), cts.Token);
        Assert.True(reachedThird.Wait(TimeSpan.FromSeconds(10)));
        await cts.CancelAsync(); // from the test thread, while the inference thread is inside token 3
        cancelled.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(3, highest);

        host.TokenGenerated = null;
        var next = await host.CompleteAsync(s_prompt, new GenerationLimits(5, s_plenty), CancellationToken.None);
        Assert.Equal(5, next.GeneratedTokens);
        Assert.Equal(next.PromptTokens - 1, next.ReusedPromptTokens); // the prompt's cells survived the cancel

        using var cold = await models.LoadAsync(models.DefaultModel);
        var fresh = await cold.CompleteAsync(s_prompt, new GenerationLimits(5, s_plenty), CancellationToken.None);
        Assert.Equal(fresh.Text, next.Text);
    }

    [Fact]
    public async Task Cancelling_during_the_prompt_keeps_the_batches_already_decoded()
    {
        using var host = await models.LoadAsync(models.DefaultModel, batchSize: 8);
        using var cts = new CancellationTokenSource();
        var prompt = s_prompt with { Prefix = string.Concat(Enumerable.Repeat("int value = 42;\n", 8)) + s_prompt.Prefix };
        var batches = 0;
        var cachedAtCancel = -1;
        host.PromptBatchDecoded = cached =>
        {
            if (++batches == 3)
            {
                cachedAtCancel = cached;
                cts.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.CompleteAsync(prompt, new GenerationLimits(5, s_plenty), cts.Token));

        host.PromptBatchDecoded = null;
        var next = await host.CompleteAsync(prompt, new GenerationLimits(5, s_plenty), CancellationToken.None);
        Assert.InRange(cachedAtCancel, 3 * 7, 3 * 8);
        Assert.Equal(cachedAtCancel, next.ReusedPromptTokens); // exactly the three batches decoded before the cancel
        using var cold = await models.LoadAsync(models.DefaultModel);
        var fresh = await cold.CompleteAsync(prompt, new GenerationLimits(5, s_plenty), CancellationToken.None);
        Assert.Equal(fresh.Text, next.Text);
    }

    [Fact]
    public async Task Already_cancelled_request_fails_at_once()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.CompleteAsync(s_prompt, new GenerationLimits(5, s_plenty), new CancellationToken(true)));

        Assert.Equal(0, host.DecodeCalls);
    }

    [Fact]
    public async Task Zero_max_tokens_prefills_the_cache()
    {
        using var host = await models.LoadAsync(models.DefaultModel);

        var prefill = await host.CompleteAsync(s_prompt, new GenerationLimits(0, s_plenty), CancellationToken.None);
        var next = await host.CompleteAsync(s_prompt, new GenerationLimits(5, s_plenty), CancellationToken.None);

        Assert.Equal(StopReason.MaxTokens, prefill.StopReason);
        Assert.Equal(0, prefill.GeneratedTokens);
        Assert.Equal("", prefill.Text);
        Assert.Equal(prefill.PromptTokens - 1, next.ReusedPromptTokens);
        Assert.Equal(5, next.GeneratedTokens);
    }

    [Fact]
    public async Task Load_reports_progress_and_honours_cancellation()
    {
        var reports = new List<float>();
        using (await ModelHost.LoadAsync(new ModelLoadOptions { Path = models.DefaultModel, Threads = 1 }, new SyncProgress(reports.Add), CancellationToken.None, models.Logger))
        {
            Assert.NotEmpty(reports);
            Assert.Equal(1f, reports[^1]);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ModelHost.LoadAsync(new ModelLoadOptions { Path = models.DefaultModel }, null, new CancellationToken(true), models.Logger));
    }

    private sealed class SyncProgress(Action<float> report) : IProgress<float>
    {
        public void Report(float value) => report(value);
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_never_touches_the_model()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        using var reachedFirst = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        host.TokenGenerated = n =>
        {
            if (n == 1)
            {
                reachedFirst.Set();
                release.Wait(TimeSpan.FromSeconds(10));
            }
        };

        var first = host.CompleteAsync(s_prompt, new GenerationLimits(3, s_plenty), CancellationToken.None);
        Assert.True(reachedFirst.Wait(TimeSpan.FromSeconds(10)));
        var decodesWhileBlocked = host.DecodeCalls;

        using var cts = new CancellationTokenSource();
        var waiting = host.CompleteAsync(s_prompt with { Prefix = "something else" }, new GenerationLimits(3, s_plenty), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.Set();
        var result = await first;

        // The first request made its two remaining decodes (tokens 1 and 2); the cancelled one made none.
        Assert.Equal(3, result.GeneratedTokens);
        Assert.Equal(decodesWhileBlocked + 2, host.DecodeCalls);
    }

    [Fact]
    public async Task Concurrent_background_requests_are_serialized()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var prompts = Enumerable.Range(0, 4).Select(i => s_prompt with { Prefix = s_prompt.Prefix + new string(' ', i) + "x" }).ToArray();

        var results = await Task.WhenAll(prompts.Select(p => Task.Run(() => host.CompleteAsync(p, new GenerationLimits(6, s_plenty) { Priority = WorkPriority.Background }, CancellationToken.None))));

        using var cold = await models.LoadAsync(models.DefaultModel);
        for (var i = 0; i < prompts.Length; i++)
        {
            var fresh = await cold.CompleteAsync(prompts[i], new GenerationLimits(6, s_plenty), CancellationToken.None);
            Assert.Equal(fresh.Text, results[i].Text);
        }
    }

    [Fact]
    public async Task Concurrent_interactive_requests_each_answer_correctly_or_yield_to_a_newer_one()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var prompts = Enumerable.Range(0, 4).Select(i => s_prompt with { Prefix = s_prompt.Prefix + new string(' ', i) + "x" }).ToArray();

        var tasks = prompts.Select(p => Task.Run(() => host.CompleteAsync(p, new GenerationLimits(6, s_plenty), CancellationToken.None))).ToArray();
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        using var cold = await models.LoadAsync(models.DefaultModel);
        var answered = 0;
        for (var i = 0; i < prompts.Length; i++)
        {
            if (tasks[i].IsFaulted || tasks[i].IsCanceled)
            {
                await Assert.ThrowsAsync<CompletionPreemptedException>(() => tasks[i]);
                continue;
            }

            answered++;
            var fresh = await cold.CompleteAsync(prompts[i], new GenerationLimits(6, s_plenty), CancellationToken.None);
            Assert.Equal(fresh.Text, (await tasks[i]).Text);
        }

        Assert.InRange(answered, 1, prompts.Length);
    }

    [Fact]
    public async Task Detokenizes_multibyte_characters_split_across_tokens()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        const string text = "héllo € 😀 — ü";
        var tokens = host.Weights.Tokenize(text, false, false, Encoding.UTF8);
        var decoder = new TokenTextDecoder(host.Weights.Vocab);
        var seen = new List<string>();

        foreach (var token in tokens)
        {
            decoder.Add(token);
            seen.Add(decoder.Text);
        }

        Assert.Equal(text, decoder.Text);
        Assert.True(tokens.Length > text.Length, "byte-level tokens split multi-byte characters");
        Assert.DoesNotContain(seen, s => s.Contains('\uFFFD'));
    }

    [Fact]
    public async Task Disposed_host_refuses_requests()
    {
        var host = await models.LoadAsync(models.DefaultModel);
        host.Dispose();
        host.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.CompleteAsync(s_prompt, new GenerationLimits(1, s_plenty), CancellationToken.None));
    }
}
