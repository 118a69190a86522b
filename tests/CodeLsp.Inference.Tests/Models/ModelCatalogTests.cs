using CodeLsp.Inference.Models;

namespace CodeLsp.Inference.Tests.Models;

public sealed class ModelCatalogTests
{
    [Fact]
    public void The_built_in_catalog_loads_and_covers_every_role()
    {
        var catalog = ModelCatalog.BuiltIn;
        Assert.All(ModelRoles.All, role => Assert.Contains(catalog.Models, m => m.Role == role));
        Assert.Single(catalog.Models, m => m.Recommended);
        foreach (var name in new[]
                 {
                     "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-3b", "qwen2.5-coder-7b", "deepseek-coder-1.3b",
                     "deepseek-coder-6.7b", "starcoder2-3b", "starcoder2-7b", "codellama-7b", "codestral-22b",
                     "sweep-next-edit-0.5b", "sweep-next-edit-1.5b",
                 })
        {
            Assert.NotNull(catalog.Find(name));
        }
    }

    [Fact]
    public void The_recommended_model_can_be_verified()
    {
        var recommended = ModelCatalog.BuiltIn.Models.Single(m => m.Recommended);
        Assert.NotNull(recommended.Sha256);
        Assert.NotNull(recommended.Url);
        Assert.True(recommended.IsVerified("sha256"));
    }

    [Fact]
    public void Lookup_ignores_case() => Assert.Equal("qwen2.5-coder-1.5b", ModelCatalog.BuiltIn.Find("Qwen2.5-Coder-1.5B")?.Name);

    private const string Valid = """
        { "name": "m", "role": "fim", "displayName": "M", "url": "https://example.org/m.gguf", "fileName": "m.gguf",
          "sizeBytes": 1000, "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
          "contextLength": 4096, "fimTokens": ["a","b","c"], "licence": "mit" }
        """;

    public static TheoryData<string, string> BrokenEntries => new()
    {
        { Valid.Replace("\"sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\"", "\"sha256\": null", StringComparison.Ordinal), "'sha256' is null but not listed" },
        { Valid.Replace("\"sizeBytes\": 1000", "\"sizeBytes\": null", StringComparison.Ordinal), "'sizeBytes' is null" },
        { Valid.Replace("0000000000000000000000000000000000000000000000000000000000000000", "ABC", StringComparison.Ordinal), "64 lower-case hex" },
        { Valid.Replace("\"role\": \"fim\"", "\"role\": \"chat\"", StringComparison.Ordinal), "role 'chat'" },
        { Valid.Replace("https://example.org", "http://example.org", StringComparison.Ordinal), "https URL" },
        { Valid.Replace("\"m.gguf\",", "\"../m.gguf\",", StringComparison.Ordinal), "plain *.gguf" },
        { Valid.Replace("[\"a\",\"b\",\"c\"]", "null", StringComparison.Ordinal), "three FIM tokens" },
        { Valid.Replace("\"licence\": \"mit\"", "\"licence\": \"mit\", \"unverified\": [\"colour\"]", StringComparison.Ordinal), "'colour'" },
    };

    [Theory]
    [MemberData(nameof(BrokenEntries))]
    public void A_broken_entry_is_refused_with_its_name_and_field(string entry, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ModelCatalog.Parse($$"""{ "models": [ {{entry}} ] }"""));
        Assert.Contains("'m'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_field_declared_unverified_is_accepted()
    {
        var entry = Valid.Replace("\"sha256\": \"0000000000000000000000000000000000000000000000000000000000000000\"", "\"sha256\": null, \"unverified\": [\"sha256\"]", StringComparison.Ordinal);
        var model = Assert.Single(ModelCatalog.Parse($$"""{ "models": [ {{entry}} ] }""").Models);
        Assert.False(model.IsVerified("sha256"));
        Assert.True(model.IsVerified("url"));
    }

    [Fact]
    public void Duplicate_names_are_refused() =>
        Assert.Throws<FormatException>(() => ModelCatalog.Parse($$"""{ "models": [ {{Valid}}, {{Valid.Replace("\"m\"", "\"M\"", StringComparison.Ordinal)}} ] }"""));

    [Fact]
    public void Memory_estimate_is_the_weights_plus_a_fifth() => Assert.Equal(1200, CatalogModel.EstimateMemory(1000));
}
