using System.Security.Cryptography;
using System.Text;
using CodeLsp.Inference.Models;

namespace CodeLsp.Inference.Tests.Models;

/// <summary>
/// <see cref="ModelDownloader"/> against a real HTTP server on 127.0.0.1 serving a generated GGUF model: success,
/// resume inside a pull and across runs, a server without range support, 416, 404, checksum mismatch, not-a-model,
/// no disk space. After every failure the folder holds no <c>.gguf</c> — a partial file never looks like a model.
/// </summary>
public sealed class ModelDownloaderTests : IDisposable
{
    private static readonly Lazy<byte[]> s_model = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"codelsp-pull-source-{Environment.ProcessId}.gguf");
        TinyModel.Write(path, new TinyModelOptions());
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    });

    private readonly string _dir = Directory.CreateTempSubdirectory("codelsp-pull-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private static byte[] Model => s_model.Value;
    private static string ModelSha => Convert.ToHexStringLower(SHA256.HashData(Model));

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ModelDownloadRequest Request(LocalModelServer server, string? sha = null, int maxResumes = 3) => new()
    {
        Url = server.Url("models/tiny.gguf"),
        Directory = _dir,
        FileName = "tiny.gguf",
        Sha256 = sha,
        MaxResumes = maxResumes,
    };

    private async Task<LocalModelServer> ServeAsync()
    {
        var server = new LocalModelServer();
        server.Files["models/tiny.gguf"] = Model;
        return await Task.FromResult(server);
    }

    private void AssertNothingLooksLikeAModel() => Assert.Empty(ModelsFolder.ListModels(_dir));

    [Fact]
    public async Task Pull_writes_the_verified_file_under_its_final_name_and_reports_progress()
    {
        await using var server = await ServeAsync();
        var samples = new List<DownloadProgress>();
        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha), new SyncProgress<DownloadProgress>(samples.Add));

        Assert.Equal(Path.Combine(_dir, "tiny.gguf"), result.Path);
        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.True(result.Verified);
        Assert.Equal(ModelSha, result.Sha256);
        Assert.Equal(0, result.ResumedFrom);
        Assert.False(File.Exists(result.Path + ".part"));
        var last = samples[^1];
        Assert.Equal(Model.Length, last.Received);
        Assert.Equal(Model.Length, last.Total);
        Assert.Single(server.Requests);
        Assert.Null(server.Requests.Single().Range);
    }

    [Fact]
    public async Task A_cut_connection_is_resumed_with_a_range_request_inside_the_same_pull()
    {
        await using var server = await ServeAsync();
        server.CutResponses = 1;
        server.CutAfterBytes = 100_000;
        var notices = new List<string>();

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha), notice: n => notices.Add(n.Message));

        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Equal(["none", "bytes=100000-"], server.Requests.Select(r => r.Range ?? "none"));
        Assert.Contains(notices, n => n.Contains("Resuming from", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interrupted_pull_keeps_its_partial_file_hidden_and_the_next_run_resumes_from_it()
    {
        await using var server = await ServeAsync();
        server.CutResponses = 1;
        server.CutAfterBytes = 150_000;
        var downloader = new ModelDownloader(_http);

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(Request(server, ModelSha, maxResumes: 0)));
        Assert.Equal(DownloadFailure.Network, failure.Failure);
        Assert.True(failure.Resumable);
        Assert.Equal(150_000, new FileInfo(Path.Combine(_dir, "tiny.gguf.part")).Length);
        AssertNothingLooksLikeAModel();

        var result = await downloader.DownloadAsync(Request(server, ModelSha));
        Assert.Equal(150_000, result.ResumedFrom);
        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Equal("bytes=150000-", server.Requests.Last().Range);
    }

    [Fact]
    public async Task A_resume_asks_for_the_same_version_and_a_file_changed_on_the_server_restarts_from_zero()
    {
        await using var server = await ServeAsync();
        server.CutResponses = 1;
        server.CutAfterBytes = 120_000;
        var downloader = new ModelDownloader(_http);
        await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(Request(server, maxResumes: 0)));

        // The file on the server changes (a URL on a moving branch) before the next run.
        var changed = Model.ToArray();
        changed[^1] ^= 0xff;
        server.Files["models/tiny.gguf"] = changed;
        var notices = new List<string>();
        var result = await downloader.DownloadAsync(Request(server), notice: n => notices.Add(n.Message));

        Assert.Equal(LocalModelServer.ETagOf(Model), server.IfRanges.Last());
        Assert.Equal(changed, await File.ReadAllBytesAsync(result.Path));
        Assert.Contains(notices, n => n.Contains("changed on the server", StringComparison.Ordinal));
        Assert.Equal(["tiny.gguf"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_partial_file_from_another_url_is_not_resumed()
    {
        await using var server = await ServeAsync();
        server.Files["other/tiny.gguf"] = Model;
        server.CutResponses = 1;
        server.CutAfterBytes = 120_000;
        var downloader = new ModelDownloader(_http);
        await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(Request(server, maxResumes: 0) with { Url = server.Url("other/tiny.gguf") }));

        var notices = new List<string>();
        var result = await downloader.DownloadAsync(Request(server, ModelSha), notice: n => notices.Add(n.Message));

        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Null(server.Requests.Last().Range);
        Assert.Contains(notices, n => n.Contains("another URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_keeps_the_partial_file_for_the_next_run()
    {
        await using var server = await ServeAsync();
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<DownloadProgress>(p =>
        {
            if (p.Received > 0)
            {
                cts.Cancel();
            }
        });
        // The first progress sample comes after the first read, so the cancel lands in the middle of the body.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha), progress, cancellationToken: cts.Token));
        AssertNothingLooksLikeAModel();
        Assert.True(File.Exists(Path.Combine(_dir, "tiny.gguf.part")));

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha));
        Assert.True(result.ResumedFrom > 0);
        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
    }

    [Fact]
    public async Task A_server_without_range_support_restarts_from_zero_and_says_so()
    {
        await using var server = await ServeAsync();
        server.SupportsRange = false;
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tiny.gguf.part"), Model.AsSpan(0, 50_000).ToArray());
        var notices = new List<string>();

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha), notice: n => notices.Add(n.Message));

        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Equal("bytes=50000-", server.Requests.Single().Range);
        Assert.Contains(notices, n => n.Contains("does not support resuming", StringComparison.Ordinal) && n.Contains("from zero", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_file_longer_than_the_remote_one_gets_416_and_is_replaced()
    {
        await using var server = await ServeAsync();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tiny.gguf.part"), new byte[Model.Length + 10]);
        var notices = new List<string>();

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha), notice: n => notices.Add(n.Message));

        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Contains(notices, n => n.Contains("416", StringComparison.Ordinal));
        Assert.Equal([$"bytes={Model.Length + 10}-", "none"], server.Requests.Select(r => r.Range ?? "none"));
    }

    [Fact]
    public async Task A_complete_partial_file_is_verified_and_renamed_without_fetching_again()
    {
        await using var server = await ServeAsync();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tiny.gguf.part"), Model);

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha));

        Assert.Equal(Model, await File.ReadAllBytesAsync(result.Path));
        Assert.Equal(Model.Length, result.ResumedFrom);
    }

    [Fact]
    public async Task A_checksum_mismatch_is_rejected_and_leaves_nothing_behind()
    {
        await using var server = await ServeAsync();
        var wrong = new string('a', 64);

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(Request(server, wrong)));

        Assert.Equal(DownloadFailure.ChecksumMismatch, failure.Failure);
        Assert.Contains(ModelSha, failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Not_found_is_a_clear_error_and_leaves_nothing_behind()
    {
        await using var server = await ServeAsync();
        var request = Request(server) with { Url = server.Url("models/missing.gguf") };

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(request));

        Assert.Equal(DownloadFailure.NotFound, failure.Failure);
        Assert.Contains("404", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_page_that_is_not_a_gguf_file_is_rejected()
    {
        await using var server = await ServeAsync();
        server.Files["models/tiny.gguf"] = Encoding.ASCII.GetBytes("<!DOCTYPE html><html>Sign in to continue</html>");

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(Request(server)));

        Assert.Equal(DownloadFailure.NotAModel, failure.Failure);
        Assert.Contains("<!DO", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Too_little_disk_space_fails_before_writing_a_byte()
    {
        await using var server = await ServeAsync();
        var downloader = new ModelDownloader(_http, freeSpace: _ => 1024 * 1024);

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => downloader.DownloadAsync(Request(server, ModelSha)));

        Assert.Equal(DownloadFailure.DiskSpace, failure.Failure);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task An_unreachable_server_is_a_network_error()
    {
        // A port that was just free: nothing listens there any more.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var request = new ModelDownloadRequest { Url = new Uri($"http://127.0.0.1:{port}/x.gguf"), Directory = _dir, FileName = "x.gguf", MaxResumes = 0 };

        var failure = await Assert.ThrowsAsync<ModelDownloadException>(() => new ModelDownloader(_http).DownloadAsync(request));

        Assert.Equal(DownloadFailure.Network, failure.Failure);
        Assert.Contains("127.0.0.1", failure.Message, StringComparison.Ordinal);
        AssertNothingLooksLikeAModel();
    }

    [Fact]
    public async Task A_file_already_present_and_matching_is_not_fetched_again()
    {
        await using var server = await ServeAsync();
        await File.WriteAllBytesAsync(Path.Combine(_dir, "tiny.gguf"), Model);

        var result = await new ModelDownloader(_http).DownloadAsync(Request(server, ModelSha));

        Assert.True(result.AlreadyPresent);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("  ", null)]
    public void Sha256_is_normalized_to_lower_case_hex(string input, string? expected) =>
        Assert.Equal(expected, ModelDownloader.NormalizeSha256(input));

    [Theory]
    [InlineData("abc")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void A_malformed_sha256_is_a_usage_error(string input) =>
        Assert.Throws<ArgumentException>(() => ModelDownloader.NormalizeSha256(input));

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the pool, which would race the asserts).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
