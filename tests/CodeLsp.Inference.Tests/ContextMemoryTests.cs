using System.Globalization;
using System.Text.RegularExpressions;
using CodeLsp.Inference.Engines;
using Serilog;

namespace CodeLsp.Inference.Tests;

/// <summary>
/// A context size larger than memory allows: the estimate against what llama.cpp itself allocates, the size chosen
/// for a given free-memory figure, and loads on generated models with that figure injected (nothing here allocates
/// more than a few MiB).
/// </summary>
[Collection(ModelCollection.Name)]
public sealed partial class ContextMemoryTests(ModelFixture models)
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;
    private static readonly TimeSpan s_plenty = TimeSpan.FromSeconds(30);
    private static readonly FimPrompt s_fim = new("public int Add(int a, int b)\n{\n    return", "\n}\n");

    public static TheoryData<string, int, int, int, int?, int> Shapes => new()
    {
        // name, dim, layers, head width, KV heads, context
        { "mha", 64, 2, 32, null, 1024 },
        { "gqa", 128, 3, 32, 1, 2048 },
        { "narrow-heads", 64, 2, 16, 2, 4096 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task The_estimate_matches_the_buffers_llama_cpp_allocates(string name, int dim, int layers, int headDim, int? kvHeads, int context)
    {
        var path = models.Model("shape-" + name, new TinyModelOptions { Dim = dim, Layers = layers, HeadDimension = headDim, KeyValueHeads = kvHeads, ContextLength = 1 << 20 });
        var events = new CollectingSink();
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(events).CreateLogger();
        using var host = await ModelHost.LoadAsync(Options(path, context, 64 * GiB), null, CancellationToken.None, logger);

        var lines = events.All.Select(e => e.RenderMessage(CultureInfo.InvariantCulture)).ToList();
        var kv = Mebibytes(lines, KvBufferLine());
        var compute = Mebibytes(lines, ComputeBufferLine());
        var estimate = ContextMemory.FromModel(GgufInspector.Inspect(path), 512)!;

        Assert.Equal(kv, estimate.KvBytes(context) / (double)MiB, 2);
        // The compute buffer's fixed part is a rough upper estimate: never below llama.cpp's, at most half again.
        Assert.InRange(estimate.ComputeBytes(context) / (double)MiB, compute, compute * 1.5);
    }

    public static TheoryData<string, int, long, int?> Fits => new()
    {
        // The "big" test model (dim 512, 8 layers, 16 KV heads of 32): 16 KiB of KV per token.
        // case, requested, free bytes, expected size (null: refused)
        { "fits as asked", 4096, 8 * GiB, 4096 },
        { "lowered to what 3/4 of free memory holds", 4_194_304, 8 * GiB, 369_152 },
        { "at least 1 GiB is kept free", 65_536, 1 * GiB + 512 * MiB, 29_952 },
        { "refused when not even 512 tokens fit", 65_536, 1 * GiB + 4 * MiB, null },
        { "a small request is not raised", 256, 1 * GiB + 20 * MiB, 256 },
    };

    [Theory]
    [MemberData(nameof(Fits))]
    public void The_context_is_lowered_to_what_fits(string name, int requested, long free, int? expected)
    {
        var big = new ContextMemory(Layers: 8, KeyValueHeads: 16, KeyLength: 32, ValueLength: 32, EmbeddingLength: 512, FeedForwardLength: 1376, VocabularySize: 300, MicroBatch: 512);
        var size = big.Fit(requested, free);
        Assert.True(expected == size, $"{name}: expected {expected}, got {size}");
        if (size is { } fitted && fitted < requested)
        {
            Assert.True(big.TotalBytes(fitted) <= ContextMemory.Budget(free), name);
            Assert.True(big.TotalBytes(fitted + ContextMemory.Granularity) > ContextMemory.Budget(free), name);
            Assert.Equal(0, fitted % ContextMemory.Granularity);
        }
    }

    [Fact]
    public async Task A_context_larger_than_free_memory_is_lowered_and_the_user_is_told_why()
    {
        var path = models.Model("huge-context", new TinyModelOptions { ContextLength = 4_194_304 });
        // 16 MiB beyond the 1 GiB always kept free.
        using var host = await ModelHost.LoadAsync(Options(path, 1_048_576, 1 * GiB + 16 * MiB), null, CancellationToken.None, models.Logger);

        var memory = ContextMemory.FromModel(GgufInspector.Inspect(path), 512)!;
        Assert.Equal(memory.Fit(1_048_576, 1 * GiB + 16 * MiB), host.Description.ContextSize);
        Assert.InRange(host.Description.ContextSize, 4096, 16_384);
        var notice = host.Description.ContextNotice;
        Assert.NotNull(notice);
        Assert.Contains("contextSize 1,048,576", notice, StringComparison.Ordinal);
        Assert.Contains($"using {host.Description.ContextSize:N0} tokens", notice, StringComparison.Ordinal);

        // The lowered context serves completions.
        var completion = await host.CompleteAsync(s_fim, new GenerationLimits(4, s_plenty), CancellationToken.None);
        Assert.Equal(4, completion.GeneratedTokens);
    }

    [Fact]
    public async Task A_request_that_fits_is_kept_and_says_nothing()
    {
        using var host = await ModelHost.LoadAsync(Options(models.DefaultModel, 1024, 64 * GiB), null, CancellationToken.None, models.Logger);
        Assert.Equal(1024, host.Description.ContextSize);
        Assert.Null(host.Description.ContextNotice);
    }

    [Fact]
    public async Task Too_little_free_memory_refuses_the_load_clearly_and_the_next_load_works()
    {
        var path = models.Model("huge-context", new TinyModelOptions { ContextLength = 4_194_304 });
        var refused = await Assert.ThrowsAsync<ModelLoadException>(() => ModelHost.LoadAsync(Options(path, 65_536, 1 * GiB + 512 * 1024), null, CancellationToken.None, models.Logger));
        Assert.StartsWith("Not enough free memory to run", refused.Message, StringComparison.Ordinal);
        Assert.Contains("512 tokens", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Path.GetFullPath(path), refused.Path);

        using var host = await ModelHost.LoadAsync(Options(path, 2048, 64 * GiB), null, CancellationToken.None, models.Logger);
        Assert.Equal(2048, host.Description.ContextSize);
    }

    [Fact]
    public async Task The_chat_context_is_sized_to_the_memory_free_when_it_is_created()
    {
        var path = models.Model("huge-context", new TinyModelOptions { ContextLength = 4_194_304 });
        var free = 64 * GiB;
        var events = new CollectingSink();
        var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(events).CreateLogger();
        using var host = await ModelHost.LoadAsync(Options(path, 65_536, () => free), null, CancellationToken.None, logger);
        Assert.Equal(65_536, host.Description.ContextSize);
        var chatLimits = new GenerationLimits(4, s_plenty);

        // Memory ran short after the load: the action gets a clear refusal, completions go on.
        free = 1 * GiB;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.ChatAsync(Request(), chatLimits, CancellationToken.None));
        Assert.Contains("chat context of AI actions", refused.Message, StringComparison.Ordinal);
        Assert.False(host.Chat!.ContextCreated);
        Assert.Equal(4, (await host.CompleteAsync(s_fim, new GenerationLimits(4, s_plenty), CancellationToken.None)).GeneratedTokens);

        // Some memory back: the chat context is created smaller, said in the log, and answers.
        free = 1 * GiB + 16 * MiB;
        var answer = await host.ChatAsync(Request(), chatLimits, CancellationToken.None);
        Assert.Equal(4, answer.GeneratedTokens);
        Assert.Contains(events.All, e => e.Level == Serilog.Events.LogEventLevel.Warning && e.RenderMessage(CultureInfo.InvariantCulture).Contains("Chat context: \"contextSize 65,536", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MemTotal:       24683652 kB\nMemFree:        14000000 kB\nMemAvailable:   23089012 kB\n", 23089012L * 1024)]
    [InlineData("MemTotal:       24683652 kB\nMemFree:        14000000 kB\n", null)]
    [InlineData("MemAvailable: garbage kB\n", null)]
    public void Free_memory_is_read_from_MemAvailable(string meminfo, long? expected)
    {
        var path = models.File("meminfo-" + Guid.NewGuid().ToString("N"), System.Text.Encoding.ASCII.GetBytes(meminfo));
        Assert.Equal(expected, AvailableMemory.ReadMemInfo(path));
    }

    private static ModelLoadOptions Options(string path, int contextSize, long free) => Options(path, contextSize, () => free);

    private static ModelLoadOptions Options(string path, int contextSize, Func<long?> free) =>
        new() { Path = path, ContextSize = contextSize, Threads = 1, FreeMemory = free };

    private static Engines.ChatRequest Request() =>
        new([new ChatMessage("system", "You write C#."), new ChatMessage("user", "Write a method.")]);

    private static double Mebibytes(List<string> lines, Regex pattern)
    {
        var match = lines.Select(l => pattern.Match(l)).First(m => m.Success);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"KV buffer size =\s*([0-9.]+) MiB")]
    private static partial Regex KvBufferLine();

    [GeneratedRegex(@"CPU compute buffer size =\s*([0-9.]+) MiB")]
    private static partial Regex ComputeBufferLine();
}
