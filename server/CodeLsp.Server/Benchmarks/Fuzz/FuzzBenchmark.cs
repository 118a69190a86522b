using System.Globalization;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Benchmarks.Fuzz;

/// <summary><c>codelsp bench fuzz</c>: one seeded <see cref="FuzzRun"/> against the real executable, and what it found.</summary>
internal sealed class FuzzBenchmark(TextWriter output)
{
    public async Task<int> RunAsync(int messages, int seed, string? server, string? dump, CancellationToken ct)
    {
        var report = await FuzzRun.RunAsync(seed, messages, server, dump, TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"seed {report.Seed}: {report.Messages} messages over stdio in {report.Elapsed.TotalSeconds:F1} s ({report.Messages / report.Elapsed.TotalSeconds:F0}/s)"));
        foreach (var (kind, n) in report.ByKind) output.WriteLine($"  {n,6}  {kind}");
        output.WriteLine($"requests with a readable id: {report.ExpectedAnswers}, answered: {report.Answered}");
        output.WriteLine("  answers by error code: " + string.Join(", ", report.ErrorCodes.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")) +
                         $"; results: {report.Answered - report.ErrorCodes.Values.Sum()}");
        if (report.AnswerMs.Count > 0)
        {
            output.WriteLine(string.Create(inv, $"  answer time after sending: p50 {ContextBenchmarkReport.Percentile(report.AnswerMs, 50):F1} ms, p99 {ContextBenchmarkReport.Percentile(report.AnswerMs, 99):F1} ms, max {report.AnswerMs.Max():F1} ms (messages are sent back to back, so this includes queueing)"));
        }
        foreach (var internalError in report.InternalErrors) output.WriteLine($"  internal error (a handler threw on this input): {internalError}");
        output.WriteLine($"errors with id null: {report.NullIdErrorsReceived} received, {report.NullIdErrorsExpected} owed by messages that are not JSON or have no usable id");
        output.WriteLine($"valid request served afterwards: {(report.ServedAfterwards ? "yes" : "NO")}; exit code after shutdown+exit: {report.ExitCode?.ToString(inv) ?? "-"}");
        output.WriteLine(string.Create(inv, $"peak working set: {report.PeakMemoryMiB:F0} MiB"));
        output.WriteLine(report.Problems.Count == 0 ? "problems: none" : "problems:\n  " + string.Join("\n  ", report.Problems));
        if (report.Problems.Count > 0) output.WriteLine($"replay: codelsp bench fuzz --messages {messages} --seed {seed} --dump fuzz.bin");
        return report.Problems.Count == 0 ? 0 : 1;
    }
}
