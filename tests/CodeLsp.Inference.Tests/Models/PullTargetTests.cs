using CodeLsp.Inference.Models;

namespace CodeLsp.Inference.Tests.Models;

public sealed class PullTargetTests
{
    private static readonly ModelCatalog s_catalog = ModelCatalog.BuiltIn;
    private const string Dir = "/models";

    [Fact]
    public void A_catalog_name_gives_its_url_file_name_and_checksum()
    {
        var target = PullTarget.Resolve("qwen2.5-coder-1.5b", Dir, s_catalog);
        var entry = s_catalog.Find("qwen2.5-coder-1.5b")!;
        Assert.Equal(entry.Url, target.Request.Url.ToString());
        Assert.Equal(entry.FileName, target.Request.FileName);
        Assert.Equal(entry.Sha256, target.Request.Sha256);
        Assert.Empty(target.Warnings);
    }

    [Fact]
    public void A_catalog_model_without_checksum_is_pulled_with_a_warning()
    {
        var target = PullTarget.Resolve("qwen2.5-coder-7b", Dir, s_catalog);
        Assert.Null(target.Request.Sha256);
        Assert.Contains(target.Warnings, w => w.Contains("No sha256", StringComparison.Ordinal));
    }

    [Fact]
    public void A_url_takes_its_file_name_and_the_flag_checksum()
    {
        var sha = new string('b', 64);
        var target = PullTarget.Resolve("https://example.org/a/My%20Model.gguf", Dir, s_catalog, sha);
        Assert.Equal("My Model.gguf", target.Request.FileName);
        Assert.Equal(sha, target.Request.Sha256);
        Assert.Null(target.CatalogEntry);
    }

    [Theory]
    [InlineData("no-such-model", null, null, "neither a model in the catalog")]
    [InlineData("https://example.org/model.bin", null, null, "not a .gguf file name")]
    [InlineData("https://example.org/x.gguf", "xyz", null, "not a sha256")]
    [InlineData("qwen2.5-coder-1.5b", "1111111111111111111111111111111111111111111111111111111111111111", null, "contradicts the catalog")]
    [InlineData("starcoder2-3b", null, "../evil.gguf", "not a .gguf file name")]
    public void Bad_requests_are_refused_with_the_reason(string nameOrUrl, string? sha, string? fileName, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => PullTarget.Resolve(nameOrUrl, Dir, s_catalog, sha, fileName));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_to_another_machine_is_warned_about() =>
        Assert.Contains(PullTarget.Resolve("http://example.org/x.gguf", Dir, s_catalog).Warnings, w => w.Contains("plain http", StringComparison.Ordinal));
}
