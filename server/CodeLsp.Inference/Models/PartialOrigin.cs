using System.Net.Http.Headers;
using System.Text.Json;

namespace CodeLsp.Inference.Models;

/// <summary>
/// Where a partial download came from — the URL and the remote file's validator (a strong ETag, else
/// Last-Modified) — kept beside it as <c>NAME.gguf.part.json</c>. A resume sends the validator as <c>If-Range</c>,
/// so a file that changed on the server (a URL on a moving branch) restarts from zero instead of being spliced
/// from two versions, which a pull without a sha256 could not detect.
/// </summary>
internal sealed record PartialOrigin(string Url, string? ETag, string? LastModified)
{
    public static string PathFor(ModelDownloadRequest request) => request.PartialPath + ".json";

    public bool HasValidator => ETag is not null || LastModified is not null;

    public static PartialOrigin From(Uri url, HttpResponseMessage response)
    {
        var etag = response.Headers.ETag is { IsWeak: false } strong ? strong.ToString() : null;
        var modified = response.Content.Headers.LastModified?.ToString("R");
        return new PartialOrigin(url.ToString(), etag, modified);
    }

    public void ApplyTo(HttpRequestHeaders headers)
    {
        if (ETag is not null)
        {
            headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(ETag));
        }
        else if (LastModified is not null && DateTimeOffset.TryParse(LastModified, out var date))
        {
            headers.IfRange = new RangeConditionHeaderValue(date);
        }
    }

    public static PartialOrigin? Read(ModelDownloadRequest request)
    {
        try
        {
            return File.Exists(PathFor(request)) ? JsonSerializer.Deserialize<PartialOrigin>(File.ReadAllText(PathFor(request))) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or FormatException)
        {
            return null; // unreadable: resume without a validator, as for a partial file from an older version
        }
    }

    public void Write(ModelDownloadRequest request) => File.WriteAllText(PathFor(request), JsonSerializer.Serialize(this));

    /// <summary>Deletes the partial file and its origin.</summary>
    public static void DeletePartial(ModelDownloadRequest request)
    {
        File.Delete(request.PartialPath);
        File.Delete(PathFor(request));
    }
}
