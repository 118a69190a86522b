using CodeLsp.Inference;
using CodeLsp.Server.Benchmarks.Privacy;

namespace CodeLsp.Server.Tests.Robustness;

/// <summary>
/// The privacy promise, checked on the real executable during a full editing run (tiny model, the Warehouse fixture loaded,
/// typing, completions, accept, close, exit): no network socket is ever connected, bound or sent to (strace, when
/// installed, sees every call; /proc sampling sees what is held), and text typed into a document never reaches the log
/// at Information. The Debug run is the control that shows the log check can fail: there the prompt, and so the marker, is logged.
/// </summary>
public sealed class PrivacyTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("codelsp-privacy-").FullName;

    /// <summary>A copy of tests/fixtures/Warehouse (MSBuild writes obj/ next to the projects).</summary>
    private string CopyWarehouse()
    {
        var source = AppContext.BaseDirectory;
        while (!Directory.Exists(Path.Combine(source, "tests", "fixtures", "Warehouse"))) source = Path.GetDirectoryName(source)!;
        source = Path.Combine(source, "tests", "fixtures", "Warehouse");
        var target = Path.Combine(_temp, "Warehouse");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        return target;
    }

    [Fact]
    public async Task A_full_editing_run_uses_no_network_socket_and_logs_no_source_above_debug()
    {
        var model = Path.Combine(_temp, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());
        var strace = StraceLog.IsUsable();

        var findings = await PrivacyRun.RunAsync(model, CopyWarehouse(), "information", strace, cycles: 8, CancellationToken.None);

        Assert.Empty(findings.Problems);
        Assert.False(findings.MarkerInLog);
        // The watchers saw something (the runtime's diagnostic port at least), so an empty problem list means something.
        Assert.Contains(findings.Sockets, s => s.Family == "unix");
        if (strace) Assert.Contains(findings.Strace!.Calls, c => c.Call == "connect" && c.Family == "AF_UNIX");
    }

    [Fact]
    public async Task At_debug_the_prompt_is_logged_so_the_marker_check_can_fail()
    {
        var model = Path.Combine(_temp, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());

        var findings = await PrivacyRun.RunAsync(model, workspace: null, "debug", useStrace: false, cycles: 2, CancellationToken.None);

        Assert.True(findings.MarkerInLog);
    }

    [Fact]
    public void The_rules_flag_network_sockets_and_unexpected_unix_endpoints()
    {
        var strace = StraceLog.Parse([
            """10 connect(5, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = 0""",
            """10 connect(6, {sa_family=AF_UNIX, sun_path="/run/other.sock"}, 110) = 0""",
            """10 connect(7, {sa_family=AF_UNIX, sun_path="/tmp/6ac524b2-0e8b-48fb-85da-b279fb36f072"}, 44) = 0""",
            """10 bind(8, {sa_family=AF_UNIX, sun_path="/tmp/dotnet-diagnostic-10-1-socket"}, 110) = 0""",
            """10 socket(AF_NETLINK, SOCK_RAW, 0) = 9""",
            """10 connect(11, {sa_family=AF_UNSPEC, sa_data="\0\0"}, 16) = 0""",
        ]);

        var problems = PrivacyRun.Check([new SeenSocket(10, "tcp", "0100007F:1F90 -> 00000000:0000"), new SeenSocket(10, "unix", "/tmp/dotnet-diagnostic-10-1-socket")], strace);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("AF_INET", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("/run/other.sock", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("AF_NETLINK", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tcp", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
