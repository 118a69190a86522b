using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeLsp.Inference.Models;

/// <summary>What a catalog model is for.</summary>
public static class ModelRoles
{
    public const string Fim = "fim";
    public const string Instruct = "instruct";
    public const string NextEdit = "next-edit";
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Fim, Instruct, NextEdit };
}

/// <summary>One model of <c>models/catalog.json</c>. A null value is allowed only when its field is listed in <see cref="Unverified"/>.</summary>
public sealed record CatalogModel
{
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("role")] public required string Role { get; init; }
    [JsonPropertyName("displayName")] public required string DisplayName { get; init; }
    [JsonPropertyName("recommended")] public bool Recommended { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("fileName")] public required string FileName { get; init; }

    /// <summary>The size the hosting page shows (rounded), in bytes.</summary>
    [JsonPropertyName("sizeBytes")] public long? SizeBytes { get; init; }
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("quantization")] public string? Quantization { get; init; }
    [JsonPropertyName("contextLength")] public int? ContextLength { get; init; }
    [JsonPropertyName("fimTokens")] public IReadOnlyList<string>? FimTokens { get; init; }
    [JsonPropertyName("licence")] public string? Licence { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("notes")] public string? Notes { get; init; }
    [JsonPropertyName("unverified")] public IReadOnlyList<string> Unverified { get; init; } = [];

    public bool IsVerified(string field) => !Unverified.Contains(field, StringComparer.Ordinal);

    /// <summary>
    /// Memory to run it: the weights (llama.cpp maps the whole file) plus a fifth for the KV cache at the default
    /// 4096-token context and the compute buffers — a rule of thumb, not a measurement. Null when the size is unknown.
    /// </summary>
    public long? EstimatedMemoryBytes => SizeBytes is { } size ? EstimateMemory(size) : null;

    public static long EstimateMemory(long fileBytes) => fileBytes + fileBytes / 5;
}

/// <summary>
/// The catalog of models known to work (<c>models/catalog.json</c>, embedded in this assembly): loaded and checked
/// once — a field that is null must be declared unverified, a sha256 must be 64 hex digits, names are unique.
/// </summary>
public sealed class ModelCatalog
{
    private static readonly Lazy<ModelCatalog> s_builtIn = new(LoadBuiltIn);

    private ModelCatalog(IReadOnlyList<CatalogModel> models) => Models = models;

    public IReadOnlyList<CatalogModel> Models { get; }

    /// <summary>The catalog shipped with this build.</summary>
    public static ModelCatalog BuiltIn => s_builtIn.Value;

    public CatalogModel? Find(string name) =>
        Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses and checks a catalog; a broken one throws <see cref="FormatException"/> naming the model and field.</summary>
    public static ModelCatalog Parse(string json)
    {
        var file = JsonSerializer.Deserialize<CatalogFile>(json)
            ?? throw new FormatException("The model catalog is empty.");
        var models = file.Models ?? throw new FormatException("The model catalog has no \"models\" array.");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            Check(model);
            if (!names.Add(model.Name))
            {
                throw new FormatException($"The model catalog names '{model.Name}' twice.");
            }
        }
        return new ModelCatalog(models);
    }

    private static void Check(CatalogModel m)
    {
        void Fail(string what) => throw new FormatException($"Catalog model '{m.Name}': {what}");

        if (!ModelRoles.All.Contains(m.Role))
        {
            Fail($"role '{m.Role}' is not one of {string.Join(", ", ModelRoles.All)}.");
        }
        foreach (var field in m.Unverified)
        {
            if (!s_checkableFields.Contains(field))
            {
                Fail($"'unverified' lists '{field}', which is not a field that can be unverified ({string.Join(", ", s_checkableFields)}).");
            }
        }
        foreach (var (field, isNull) in new[]
                 {
                     ("url", m.Url is null), ("sizeBytes", m.SizeBytes is null), ("sha256", m.Sha256 is null),
                     ("contextLength", m.ContextLength is null), ("licence", m.Licence is null),
                 })
        {
            if (isNull && m.IsVerified(field))
            {
                Fail($"'{field}' is null but not listed in 'unverified'.");
            }
        }
        if (m.Sha256 is not null && (m.Sha256.Length != 64 || !m.Sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')))
        {
            Fail("sha256 must be 64 lower-case hex digits.");
        }
        if (m.Url is not null && (!Uri.TryCreate(m.Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            Fail("url must be an absolute https URL.");
        }
        if (!m.FileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || m.FileName.IndexOfAny(['/', '\\']) >= 0)
        {
            Fail("fileName must be a plain *.gguf file name.");
        }
        if (m.Role == ModelRoles.Fim && m.FimTokens is not { Count: 3 })
        {
            Fail("a FIM model needs its three FIM tokens (prefix, suffix, middle).");
        }
    }

    private static readonly HashSet<string> s_checkableFields =
        new(StringComparer.Ordinal) { "url", "sizeBytes", "sha256", "contextLength", "licence" };

    private static ModelCatalog LoadBuiltIn()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("CodeLsp.Inference.Models.catalog.json")
            ?? throw new InvalidOperationException("The model catalog resource is missing from this build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record CatalogFile
    {
        [JsonPropertyName("models")] public List<CatalogModel>? Models { get; init; }
    }
}
