using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CodeLsp.Inference;
using CodeLsp.Inference.Tests.Models;

namespace CodeLsp.Server.Tests;

/// <summary>
/// <c>codelsp model pull … --json-progress</c> and <c>codelsp model list --json</c> as the VS Code extension runs them:
/// the built executable, a generated model served over HTTP on 127.0.0.1, the JSON lines it prints and its exit code.
/// </summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("codelsp-model-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] GenerateModel(string dir)
    {
        var path = Path.Combine(dir, "source.gguf");
        TinyModel.Write(path, new TinyModelOptions());
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    [Fact]
    public async Task Pull_with_json_progress_reports_progress_and_a_verified_file_that_list_then_shows()
    {
        var model = GenerateModel(_dir);
        await using var server = new LocalModelServer();
        server.Files["m/tiny.gguf"] = model;
        var modelsDir = Path.Combine(_dir, "models");
        var sha = Convert.ToHexStringLower(SHA256.HashData(model));

        var (code, lines) = await RunAsync("model", "pull", server.Url("m/tiny.gguf").ToString(), "--sha256", sha, "--dir", modelsDir, "--json-progress");

        Assert.Equal(0, code);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "progress" && e.GetProperty("total").GetInt64() == model.Length);
        var done = events.Single(e => e.GetProperty("event").GetString() == "done");
        Assert.True(done.GetProperty("verified").GetBoolean());
        Assert.Equal(sha, done.GetProperty("sha256").GetString());
        Assert.Equal(model, await File.ReadAllBytesAsync(done.GetProperty("path").GetString()!));

        var (listCode, listLines) = await RunAsync("model", "list", "--dir", modelsDir, "--json");
        Assert.Equal(0, listCode);
        var listing = JsonDocument.Parse(string.Join('\n', listLines)).RootElement;
        Assert.Equal(modelsDir, listing.GetProperty("modelsDir").GetString());
        Assert.Contains(listing.GetProperty("otherFiles").EnumerateArray(), f => f.GetProperty("path").GetString() == Path.Combine(modelsDir, "tiny.gguf"));
        Assert.Contains(listing.GetProperty("catalog").EnumerateArray(), m => m.GetProperty("recommended").GetBoolean());
    }

    [Fact]
    public async Task Pull_of_a_missing_file_prints_one_error_event_and_exits_1()
    {
        await using var server = new LocalModelServer();
        var (code, lines) = await RunAsync("model", "pull", server.Url("m/missing.gguf").ToString(), "--dir", _dir, "--json-progress");

        Assert.Equal(1, code);
        var error = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal("error", error.GetProperty("event").GetString());
        Assert.Equal("NotFound", error.GetProperty("kind").GetString());
        Assert.False(error.GetProperty("resumable").GetBoolean());
        Assert.Empty(Directory.EnumerateFiles(_dir));
    }

    [Fact]
    public async Task Pull_of_an_unknown_name_is_a_usage_error()
    {
        var (code, lines) = await RunAsync("model", "pull", "no-such-model", "--dir", _dir, "--json-progress");
        Assert.Equal(2, code);
        Assert.Contains("neither a model in the catalog", lines[^1], StringComparison.Ordinal);
    }

    private async Task<(int Code, List<string> Lines)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "codelsp.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["XDG_STATE_HOME"] = _dir;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _ = await stderr;
        return (process.ExitCode, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList());
    }
}
