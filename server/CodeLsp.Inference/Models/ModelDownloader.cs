using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;

namespace CodeLsp.Inference.Models;

/// <summary>
/// Pulls a model file over HTTP(S) into a folder so that only a complete, verified file ever carries the final name.
/// The bytes go to <c>name.gguf.part</c>; a cut connection is resumed with <c>Range</c> (inside one pull up to
/// <see cref="ModelDownloadRequest.MaxResumes"/> times, and across runs after Ctrl+C or a failure); a server that
/// ignores <c>Range</c> restarts the file from zero, and says so. When the bytes are all there the file must start
/// with the GGUF magic and match the expected sha256 — else the partial file is deleted — and only then is it renamed.
/// Nothing here knows about LSP or the CLI: both the <c>codelsp model pull</c> command and a server command use it.
/// </summary>
public sealed class ModelDownloader
{
    // Room left beyond the file itself, so a pull does not fill the disk to the last byte.
    private const long DiskMargin = 64L * 1024 * 1024;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;
    private readonly Func<string, long?> _freeSpace;

    /// <param name="http">The client; its <c>Timeout</c> bounds connecting and the response headers.</param>
    /// <param name="freeSpace">Free bytes on the volume holding a folder (null: unknown); the default asks the OS.</param>
    public ModelDownloader(HttpClient http, Func<string, long?>? freeSpace = null)
    {
        _http = http;
        _freeSpace = freeSpace ?? FreeSpaceOf;
    }

    /// <summary>A client with sensible limits for large files: connect within 30 s, headers within 60 s.</summary>
    public static HttpClient CreateDefaultClient() =>
        new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestHeaders = { { "User-Agent", "codelsp-model-pull" } },
        };

    public async Task<ModelDownloadResult> DownloadAsync(
        ModelDownloadRequest request,
        IProgress<DownloadProgress>? progress = null,
        Action<DownloadNotice>? notice = null,
        CancellationToken cancellationToken = default)
    {
        var expected = NormalizeSha256(request.Sha256);
        Directory.CreateDirectory(request.Directory);
        if (File.Exists(request.FinalPath))
        {
            return await CheckExistingAsync(request, expected, cancellationToken).ConfigureAwait(false);
        }

        var resumedFrom = File.Exists(request.PartialPath) ? new FileInfo(request.PartialPath).Length : 0;
        if (resumedFrom > 0)
        {
            notice?.Invoke(new DownloadNotice($"Resuming {request.FileName} from {Mib(resumedFrom)} already downloaded."));
        }

        var resumes = 0;
        var restartedFromZero = false;
        while (true)
        {
            try
            {
                var outcome = await AttemptAsync(request, progress, notice, cancellationToken).ConfigureAwait(false);
                if (outcome == AttemptOutcome.Complete)
                {
                    break;
                }
                // The partial file did not belong to the remote file: it was deleted; start over once.
                if (restartedFromZero)
                {
                    throw new ModelDownloadException(DownloadFailure.RangeNotSatisfiable,
                        $"The server refused every byte range for {request.Url}; cannot download it.");
                }
                restartedFromZero = true;
                resumedFrom = 0;
            }
            catch (ModelDownloadException ex) when (ex.Resumable && resumes < request.MaxResumes && !cancellationToken.IsCancellationRequested)
            {
                resumes++;
                var have = File.Exists(request.PartialPath) ? new FileInfo(request.PartialPath).Length : 0;
                notice?.Invoke(new DownloadNotice($"{ex.Message} Resuming from {Mib(have)} (retry {resumes} of {request.MaxResumes})."));
                await Task.Delay(TimeSpan.FromMilliseconds(250 * resumes), cancellationToken).ConfigureAwait(false);
            }
        }

        return await FinishAsync(request, expected, resumedFrom, notice, cancellationToken).ConfigureAwait(false);
    }

    private enum AttemptOutcome { Complete, StartOver }

    private async Task<AttemptOutcome> AttemptAsync(
        ModelDownloadRequest request, IProgress<DownloadProgress>? progress, Action<DownloadNotice>? notice, CancellationToken ct)
    {
        var have = File.Exists(request.PartialPath) ? new FileInfo(request.PartialPath).Length : 0;
        var origin = have > 0 ? PartialOrigin.Read(request) : null;
        if (origin is not null && origin.Url != request.Url.ToString())
        {
            PartialOrigin.DeletePartial(request);
            notice?.Invoke(new DownloadNotice($"The partial {request.FileName} came from another URL ({origin.Url}); deleted it, starting again from zero."));
            have = 0;
            origin = null;
        }
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Url);
        if (have > 0)
        {
            message.Headers.Range = new RangeHeaderValue(have, null);
            origin?.ApplyTo(message.Headers);
        }

        using var response = await SendAsync(message, request.Url, ct).ConfigureAwait(false);
        var status = response.StatusCode;
        if (status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            throw new ModelDownloadException(DownloadFailure.NotFound,
                $"Not found (HTTP {(int)status}): {request.Url}. Check the name or URL; `codelsp model list` shows the catalog.");
        }
        if (status == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            var remoteLength = response.Content.Headers.ContentRange?.Length;
            if (have > 0 && remoteLength == have)
            {
                return AttemptOutcome.Complete; // the earlier run had every byte; only the check and rename were missing
            }
            if (have == 0)
            {
                throw new ModelDownloadException(DownloadFailure.RangeNotSatisfiable,
                    $"The server answered HTTP 416 (range not satisfiable) to a request without a range: {request.Url}.");
            }
            PartialOrigin.DeletePartial(request);
            notice?.Invoke(new DownloadNotice(
                $"The server answered HTTP 416: the partial file ({Mib(have)}) does not fit the remote file ({(remoteLength is { } r ? Mib(r) : "size unknown")}). Deleted it; starting again from zero."));
            return AttemptOutcome.StartOver;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelDownloadException(DownloadFailure.HttpStatus,
                $"The server answered HTTP {(int)status} {response.ReasonPhrase} for {request.Url}.");
        }

        var append = false;
        long? total;
        if (status == HttpStatusCode.PartialContent && have > 0)
        {
            var range = response.Content.Headers.ContentRange;
            if (range?.From != have)
            {
                PartialOrigin.DeletePartial(request);
                notice?.Invoke(new DownloadNotice(
                    $"The server sent bytes from {range?.From?.ToString(CultureInfo.InvariantCulture) ?? "?"} instead of {have}; deleted the partial file, starting again from zero."));
                return AttemptOutcome.StartOver;
            }
            append = true;
            total = range.Length ?? (response.Content.Headers.ContentLength is { } rest ? have + rest : null);
        }
        else
        {
            if (have > 0)
            {
                notice?.Invoke(new DownloadNotice(origin?.HasValidator == true
                    ? $"{request.FileName} changed on the server since the partial download (If-Range did not match): downloading it again from zero."
                    : $"The server does not support resuming (it answered {(int)status} to a range request): downloading {request.FileName} again from zero."));
                have = 0;
            }
            total = response.Content.Headers.ContentLength;
        }

        if (total is { } size)
        {
            var free = _freeSpace(request.Directory);
            var needed = size - have;
            if (free is { } f && f < needed + DiskMargin)
            {
                throw new ModelDownloadException(DownloadFailure.DiskSpace,
                    $"Not enough disk space in {request.Directory}: the download needs {Mib(needed)} more (plus {Mib(DiskMargin)} to spare), {Mib(f)} are free. Free some space or pass --dir on another disk.");
            }
        }

        if (!append)
        {
            // A fresh start: remember which file this is, so a later resume can ask for the same version.
            PartialOrigin.From(request.Url, response).Write(request);
        }

        FileStream file;
        try
        {
            file = new FileStream(request.PartialPath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        }
        catch (IOException ex)
        {
            throw new ModelDownloadException(DownloadFailure.Conflict,
                $"Cannot write {request.PartialPath} (is another pull of this model running?): {ex.Message}", ex);
        }

        await using (file.ConfigureAwait(false))
        {
            var received = await CopyAsync(response, file, have, total, request, progress, ct).ConfigureAwait(false);
            if (total is { } expectedTotal && received < expectedTotal)
            {
                throw new ModelDownloadException(DownloadFailure.Network,
                    $"The connection closed after {Mib(received)} of {Mib(expectedTotal)}.");
            }
            if (total is { } t && received > t)
            {
                file.Close();
                PartialOrigin.DeletePartial(request);
                throw new ModelDownloadException(DownloadFailure.Network,
                    $"The server sent {received} bytes for a {t}-byte file; deleted the partial file. Run the pull again.");
            }
        }
        return AttemptOutcome.Complete;
    }

    private async Task<long> CopyAsync(
        HttpResponseMessage response, FileStream file, long have, long? total, ModelDownloadRequest request,
        IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var buffer = new byte[128 * 1024];
        var clock = Stopwatch.StartNew();
        var lastReport = -s_progressInterval;
        var startedAt = have;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    stall.CancelAfter(request.StallTimeout);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        throw new ModelDownloadException(DownloadFailure.Timeout,
                            $"No data for {request.StallTimeout.TotalSeconds:F0} s after {Mib(have)}.");
                    }
                    if (read == 0)
                    {
                        break;
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                    have += read;
                    if (progress is not null && clock.Elapsed - lastReport >= s_progressInterval)
                    {
                        lastReport = clock.Elapsed;
                        progress.Report(Sample(have, total, have - startedAt, clock.Elapsed));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            throw new ModelDownloadException(DownloadFailure.Network, $"The connection was lost after {Mib(have)}: {ex.Message}.", ex);
        }
        await file.FlushAsync(ct).ConfigureAwait(false);
        progress?.Report(Sample(have, total, have - startedAt, clock.Elapsed));
        return have;
    }

    private static DownloadProgress Sample(long received, long? total, long thisRun, TimeSpan elapsed)
    {
        var speed = elapsed.TotalSeconds > 0 ? thisRun / elapsed.TotalSeconds : 0;
        TimeSpan? eta = total is { } t && speed > 0 ? TimeSpan.FromSeconds(Math.Max(0, t - received) / speed) : null;
        return new DownloadProgress(received, total, speed, eta);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, Uri url, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (FindInner<AuthenticationException>(ex) is { } tls)
        {
            throw new ModelDownloadException(DownloadFailure.Tls,
                $"The TLS connection to {url.Host} failed: {tls.Message} Check the machine's clock and CA certificates, or a proxy that intercepts HTTPS.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelDownloadException(DownloadFailure.Network, $"Could not reach {url.Host}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ModelDownloadException(DownloadFailure.Timeout,
                $"{url.Host} did not answer within {_http.Timeout.TotalSeconds:F0} s.", ex);
        }
    }

    private static async Task<ModelDownloadResult> CheckExistingAsync(ModelDownloadRequest request, string? expected, CancellationToken ct)
    {
        var sha = await HashFileAsync(request.FinalPath, ct).ConfigureAwait(false);
        if (expected is not null && sha != expected)
        {
            throw new ModelDownloadException(DownloadFailure.Conflict,
                $"{request.FinalPath} already exists and its sha256 ({sha}) is not the expected {expected}. Move or delete it, then pull again.");
        }
        return new ModelDownloadResult
        {
            Path = request.FinalPath,
            Bytes = new FileInfo(request.FinalPath).Length,
            Sha256 = sha,
            Verified = expected is not null,
            ResumedFrom = 0,
            AlreadyPresent = true,
        };
    }

    private static async Task<ModelDownloadResult> FinishAsync(
        ModelDownloadRequest request, string? expected, long resumedFrom, Action<DownloadNotice>? notice, CancellationToken ct)
    {
        var part = request.PartialPath;
        if (request.FileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && !StartsWithGgufMagic(part, out var head))
        {
            PartialOrigin.DeletePartial(request);
            throw new ModelDownloadException(DownloadFailure.NotAModel,
                $"What {request.Url.Host} sent is not a GGUF file (it starts with \"{head}\"; a login page or an error page?). Deleted it.");
        }

        notice?.Invoke(new DownloadNotice("Verifying sha256…"));
        var sha = await HashFileAsync(part, ct).ConfigureAwait(false);
        if (expected is not null && sha != expected)
        {
            PartialOrigin.DeletePartial(request);
            throw new ModelDownloadException(DownloadFailure.ChecksumMismatch,
                $"Checksum mismatch: {request.FileName} has sha256 {sha}, expected {expected}. The file was deleted; nothing was kept.");
        }

        try
        {
            File.Move(part, request.FinalPath, overwrite: false);
            File.Delete(PartialOrigin.PathFor(request));
        }
        catch (IOException ex) when (File.Exists(request.FinalPath))
        {
            throw new ModelDownloadException(DownloadFailure.Conflict,
                $"{request.FinalPath} appeared while downloading; the new copy stays in {part}.", ex);
        }
        return new ModelDownloadResult
        {
            Path = request.FinalPath,
            Bytes = new FileInfo(request.FinalPath).Length,
            Sha256 = sha,
            Verified = expected is not null,
            ResumedFrom = resumedFrom,
        };
    }

    public static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash);
        }
    }

    /// <summary>Lower-case hex, or null; a value that is not 64 hex digits is a usage error.</summary>
    public static string? NormalizeSha256(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var hex = value.Trim().ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"'{value}' is not a sha256 (64 hexadecimal digits).", nameof(value));
        }
        return hex;
    }

    private static bool StartsWithGgufMagic(string path, out string head)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        var n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        head = new string(magic[..n].ToArray().Select(b => b is >= 0x20 and < 0x7f ? (char)b : '?').ToArray());
        return n == 4 && magic.SequenceEqual("GGUF"u8);
    }

    private static long? FreeSpaceOf(string folder)
    {
        try
        {
            // On Unix DriveInfo takes any path and asks statvfs about its filesystem; on Windows it needs the root.
            var name = OperatingSystem.IsWindows() ? Path.GetPathRoot(Path.GetFullPath(folder))! : Path.GetFullPath(folder);
            return new DriveInfo(name).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (var e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }

    internal static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");
}
