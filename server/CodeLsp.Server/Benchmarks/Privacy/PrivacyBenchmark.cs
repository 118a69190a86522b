using CodeLsp.Inference;

namespace CodeLsp.Server.Benchmarks.Privacy;

/// <summary><c>codelsp bench privacy</c>: runs <see cref="PrivacyRun"/> and prints every socket seen and every problem.</summary>
internal sealed class PrivacyBenchmark(TextWriter output)
{
    public async Task<int> RunAsync(string? model, string? workspace, bool strace, int cycles, CancellationToken ct)
    {
        string? temp = null;
        if (model is null)
        {
            temp = Directory.CreateTempSubdirectory("codelsp-bench-privacy-").FullName;
            model = Path.Combine(temp, "tiny.gguf");
            TinyModel.Write(model, new TinyModelOptions());
        }
        try
        {
            var findings = await PrivacyRun.RunAsync(model, workspace, "information", strace, cycles, ct).ConfigureAwait(false);
            output.WriteLine($"editing run: model {Path.GetFileName(model)}, workspace {workspace ?? "(none)"}, {cycles} edit+completion cycles, {findings.Completions} answered with a suggestion");
            output.WriteLine($"/proc samples of the process tree's file tables: {findings.Samples}; distinct sockets seen: {findings.Sockets.Count}");
            foreach (var group in findings.Sockets.GroupBy(s => (s.Family, Kind: Describe(s.Path))))
            {
                output.WriteLine($"  {group.Key.Family,-6} {group.Key.Kind}: {group.Count()}");
            }
            if (findings.Strace is { } log)
            {
                output.WriteLine($"strace: {log.Calls.Count} socket calls");
                foreach (var group in log.Calls.GroupBy(c => (c.Call, c.Family, Kind: Describe(c.Address))).OrderBy(g => g.Key.Call))
                {
                    output.WriteLine($"  {group.Key.Call,-8} {group.Key.Family,-9} {group.Key.Kind}: {group.Count()}");
                }
            }
            output.WriteLine($"marker text typed into the document found in the log (Information level): {(findings.MarkerInLog ? "YES" : "no")}");
            output.WriteLine(findings.Problems.Count == 0 ? "problems: none" : "problems:\n  " + string.Join("\n  ", findings.Problems.Distinct()));
            return findings.Problems.Count == 0 && !findings.MarkerInLog ? 0 : 1;
        }
        finally
        {
            if (temp is not null) Directory.Delete(temp, recursive: true);
        }
    }

    private static string Describe(string path) =>
        path.Length == 0 ? "(no address)"
        : Path.GetFileName(path).StartsWith("dotnet-diagnostic-", StringComparison.Ordinal) ? "runtime diagnostic port"
        : Guid.TryParse(Path.GetFileName(path), out _) ? "MSBuild build host pipe"
        : path;
}
