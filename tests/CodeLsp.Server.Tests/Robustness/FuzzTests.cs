using CodeLsp.Server.Benchmarks.Fuzz;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>
/// A small seeded fuzz run against the real executable over stdio (<c>codelsp bench fuzz</c> runs 10,000 and more):
/// the server survives, answers every request that has a readable id, owes and sends the id-null errors, serves a valid
/// request afterwards and exits with 0. A failure names the seed and message to replay.
/// </summary>
public sealed class FuzzTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Seeded_hostile_traffic_over_stdio_is_survived_and_every_request_answered(int seed)
    {
        var report = await FuzzRun.RunAsync(seed, count: 400, server: null, dumpPath: null, answerTimeout: TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.True(report.Problems.Count == 0, $"seed {seed}: " + string.Join("; ", report.Problems));
        Assert.True(report.ExpectedAnswers > 100, $"only {report.ExpectedAnswers} requests with ids were sent");
        Assert.Equal(report.ExpectedAnswers, report.Answered);
        Assert.True(report.NullIdErrorsExpected > 30);
        Assert.True(report.ServedAfterwards);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public void The_same_seed_sends_the_same_bytes()
    {
        var first = new FuzzMessageGenerator(5, ["file:///a.cs"]).Generate(300).SelectMany(m => m.Bytes).ToArray();
        var second = new FuzzMessageGenerator(5, ["file:///a.cs"]).Generate(300).SelectMany(m => m.Bytes).ToArray();
        var other = new FuzzMessageGenerator(6, ["file:///a.cs"]).Generate(300).SelectMany(m => m.Bytes).ToArray();

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }
}
