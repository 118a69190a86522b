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
    public async Task Sigint_ends_the_pull_in_order_and_keeps_the_partial_file_for_a_resume()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGINT is sent with libc kill(2) here; Windows has Ctrl+C events instead
        }
        var model = GenerateModel(_dir);
        await using var server = new LocalModelServer { HangAfterBytes = 200_000 };
        server.Files["m/tiny.gguf"] = model;
        var modelsDir = Path.Combine(_dir, "models");
        using var process = Start("model", "pull", server.Url("m/tiny.gguf").ToString(), "--dir", modelsDir, "--json-progress");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var lines = new List<string>();
        // Wait for the first progress line: the body has started, then the server hangs.
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Contains("\"progress\"", StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.Equal(0, kill(process.Id, 2));
        lines.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(130, process.ExitCode);
        var error = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal("cancelled", error.GetProperty("kind").GetString());
        Assert.True(error.GetProperty("resumable").GetBoolean());
        Assert.True(new FileInfo(Path.Combine(modelsDir, "tiny.gguf.part")).Length > 0);
        Assert.False(File.Exists(Path.Combine(modelsDir, "tiny.gguf")));

        server.HangAfterBytes = null;
        var (code, resumed) = await RunAsync("model", "pull", server.Url("m/tiny.gguf").ToString(), "--dir", modelsDir, "--json-progress");
        Assert.Equal(0, code);
        var done = JsonDocument.Parse(resumed[^1]).RootElement;
        Assert.True(done.GetProperty("resumedFrom").GetInt64() > 0);
        Assert.Equal(model, await File.ReadAllBytesAsync(Path.Combine(modelsDir, "tiny.gguf")));
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

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

    private Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "codelsp.dll"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["XDG_STATE_HOME"] = _dir;
        return Process.Start(start)!;
    }

    private async Task<(int Code, List<string> Lines)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _ = await stderr;
        return (process.ExitCode, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList());
    }
}
