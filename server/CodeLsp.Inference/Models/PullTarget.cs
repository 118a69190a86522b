namespace CodeLsp.Inference.Models;

/// <summary>What <c>model pull NAME|URL</c> resolves to: the download request, the catalog entry when there is one, and what the user should be warned about.</summary>
public sealed record PullTarget(ModelDownloadRequest Request, CatalogModel? CatalogEntry, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// A catalog name gives URL, file name and sha256; a URL gives the file name from its last segment (or
    /// <paramref name="fileName"/>). A <paramref name="sha256"/> given by the user wins, but one that contradicts the
    /// catalog is refused: one of them is wrong, and guessing which would defeat the check.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, a malformed URL or sha256, a conflicting checksum, a file name that is not <c>*.gguf</c>.</exception>
    public static PullTarget Resolve(string nameOrUrl, string directory, ModelCatalog catalog, string? sha256 = null, string? fileName = null)
    {
        var userSha = ModelDownloader.NormalizeSha256(sha256);
        var warnings = new List<string>();
        CatalogModel? entry = null;
        Uri url;
        string name;
        if (Uri.TryCreate(nameOrUrl, UriKind.Absolute, out var given) && (given.Scheme == Uri.UriSchemeHttps || given.Scheme == Uri.UriSchemeHttp))
        {
            url = given;
            name = fileName ?? Uri.UnescapeDataString(given.Segments[^1]);
            if (given.Scheme == Uri.UriSchemeHttp && !given.IsLoopback)
            {
                warnings.Add("The URL is plain http: anyone on the way can change the file. Use https, or pass --sha256.");
            }
        }
        else
        {
            entry = catalog.Find(nameOrUrl)
                ?? throw new ArgumentException($"'{nameOrUrl}' is neither a model in the catalog nor an http(s) URL. `codelsp model list` shows the catalog.");
            if (entry.Url is null)
            {
                throw new ArgumentException($"The catalog knows no download URL for '{entry.Name}'. Pass the URL of a GGUF file instead.");
            }
            url = new Uri(entry.Url);
            name = fileName ?? entry.FileName;
            if (!entry.IsVerified("url"))
            {
                warnings.Add($"The catalog's URL for '{entry.Name}' could not be verified when the catalog was written; if it fails, find the file on the publisher's page and pass its URL.");
            }
            if (entry.Sha256 is not null && userSha is not null && entry.Sha256 != userSha)
            {
                throw new ArgumentException($"--sha256 {userSha} contradicts the catalog's {entry.Sha256} for '{entry.Name}'.");
            }
            userSha ??= entry.Sha256;
        }

        if (!name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || name.IndexOfAny(['/', '\\']) >= 0 || name is ".gguf")
        {
            throw new ArgumentException($"'{name}' is not a .gguf file name; pass --file-name NAME.gguf.");
        }
        if (userSha is null)
        {
            warnings.Add("No sha256 to check against: the file's sha256 is printed when it is complete; compare it with the publisher's page, or pass --sha256.");
        }
        var request = new ModelDownloadRequest { Url = url, Directory = directory, FileName = name, Sha256 = userSha };
        return new PullTarget(request, entry, warnings);
    }
}
