using CodeLsp.Server.Benchmarks;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>A small run of <c>codelsp bench remote</c>: it drives all three engine kinds and prints its table (the figures are recorded from the full run, not asserted here).</summary>
public sealed class RemoteBenchmarkTests
{
    [Fact]
    public async Task The_remote_benchmark_prints_its_table_for_every_engine_kind()
    {
        var output = new StringWriter();

        var exit = await new RemoteEngineBenchmark(output).RunAsync(keystrokes: 8, CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(0, exit);
        var header = text.Split('\n').Single(l => l.StartsWith("figure", StringComparison.Ordinal));
        Assert.Contains("llama.cpp", header);
        Assert.Contains("ollama", header);
        Assert.Contains("openai", header);
        Assert.Contains("server overhead p50 / p95 (ms)", text);
        Assert.Contains("burst: keystrokes / requests reaching the engine", text);
        Assert.Contains("typed over 5 answers in flight: connections closed", text);
    }
}
