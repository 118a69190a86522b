using CodeLsp.Features;
using CodeLsp.Inference;
using CodeLsp.Inference.Tests.Models;
using CodeLsp.Server.Cli.Doctor;

namespace CodeLsp.Server.Tests;

/// <summary>Each <c>codelsp doctor</c> check on the situations a new user meets, and that every problem comes with a fix.</summary>
public sealed class DoctorChecksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("codelsp-doctor-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(10, true)]
    [InlineData(8, false)]
    public void Runtime_needs_dotnet_10(int major, bool ok) =>
        AssertCheck(DoctorChecks.Runtime(new Version(major, 0), ".NET"), ok ? CheckStatus.Ok : CheckStatus.Failed);

    [Fact]
    public void Model_file_missing_configuration_points_at_model_pull()
    {
        var check = DoctorChecks.ModelFile(null);
        AssertCheck(check, CheckStatus.Warning);
        Assert.Contains("codelsp model pull", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_file_that_is_not_gguf_fails_and_a_tiny_model_passes()
    {
        var bad = Path.Combine(_dir, "bad.gguf");
        File.WriteAllText(bad, "<html>not a model</html>");
        AssertCheck(DoctorChecks.ModelFile(bad), CheckStatus.Failed);

        var good = Path.Combine(_dir, "tiny.gguf");
        TinyModel.Write(good, new TinyModelOptions());
        AssertCheck(DoctorChecks.ModelFile(good), CheckStatus.Ok);
    }

    [Fact]
    public void Workspace_without_projects_is_skipped_unrestored_warns_restored_passes_no_sdk_fails()
    {
        AssertCheck(DoctorChecks.Workspace(_dir, ["10.0.100"]), CheckStatus.Skipped);

        var project = Path.Combine(_dir, "src", "App", "App.csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        File.WriteAllText(project, "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        var unrestored = DoctorChecks.Workspace(_dir, ["10.0.100"]);
        AssertCheck(unrestored, CheckStatus.Warning);
        Assert.Contains("dotnet restore", unrestored.Fix, StringComparison.Ordinal);
        AssertCheck(DoctorChecks.Workspace(_dir, []), CheckStatus.Failed);

        Directory.CreateDirectory(Path.Combine(_dir, "src", "App", "obj"));
        File.WriteAllText(Path.Combine(_dir, "src", "App", "obj", "project.assets.json"), "{}");
        AssertCheck(DoctorChecks.Workspace(_dir, ["10.0.100"]), CheckStatus.Ok);
    }

    [Fact]
    public async Task No_engine_configured_means_no_network_used()
    {
        var check = await DoctorChecks.EngineAsync(new AssistantSettings(), Serilog.Core.Logger.None, CancellationToken.None);
        AssertCheck(check, CheckStatus.Ok);
        Assert.Contains("no network used", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_answers_its_probe_passes_one_that_refuses_or_is_misconfigured_fails()
    {
        await using var server = new LocalModelServer();
        server.Files["v1/models"] = """{"object":"list","data":[{"id":"qwen2.5-coder-7b","object":"model"}]}"""u8.ToArray();
        var answering = new AssistantSettings { Engine = "openai", EngineUrl = server.Url("").ToString() };
        var ok = await DoctorChecks.EngineAsync(answering, Serilog.Core.Logger.None, CancellationToken.None);
        AssertCheck(ok, CheckStatus.Ok);
        Assert.Contains("qwen2.5-coder-7b", ok.Detail, StringComparison.Ordinal);

        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        AssertCheck(await DoctorChecks.EngineAsync(answering with { EngineUrl = $"http://127.0.0.1:{port}" }, Serilog.Core.Logger.None, CancellationToken.None), CheckStatus.Failed);
        AssertCheck(await DoctorChecks.EngineAsync(answering with { EngineUrl = null }, Serilog.Core.Logger.None, CancellationToken.None), CheckStatus.Failed);
    }

    private static void AssertCheck(DoctorCheck check, CheckStatus expected)
    {
        Assert.True(check.Status == expected, $"expected {expected}, got {check.Status}: {check.Detail}");
        if (expected is CheckStatus.Warning or CheckStatus.Failed)
        {
            Assert.False(string.IsNullOrWhiteSpace(check.Fix), "a problem without a fix");
        }
    }
}
