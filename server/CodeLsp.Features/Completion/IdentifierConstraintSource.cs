using System.Collections.Concurrent;
using CodeLsp.Inference.Constraints;
using CodeLsp.Workspace.Constraints;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Completion;

/// <summary>
/// The <see cref="IdentifierConstraint"/> for a request: the compiler's list of identifiers at the site
/// (<see cref="AllowedIdentifierLookup"/>), narrowed to the names that start with what the user typed. The list is
/// kept per document while the site stays the same (same place, same text before it), so typing the name through
/// does not ask the compiler again. A lookup slower than the wait serves the next request; this one goes unconstrained,
/// and so do the following ones at the site without waiting again, until it is ready. With a context builder the
/// compiler is asked through the model the context reads (<see cref="SemanticContextBuilder.GetModelAsync"/>): after a
/// keystroke inside a body, the one speculative binding of that body both share.
/// </summary>
internal sealed class IdentifierConstraintSource(TimeSpan wait, ILogger logger, SemanticContextBuilder? models = null)
{
    private sealed class SiteLookup(string key, Task<AllowedIdentifiers?> lookup)
    {
        public string Key => key;

        public Task<AllowedIdentifiers?> Lookup => lookup;

        /// <summary>A request already waited the whole wait for it: later ones at the site do not wait again.</summary>
        public volatile bool Late;
    }

    private readonly ConcurrentDictionary<Uri, SiteLookup> _sites = new();
    private int _lookups;

    /// <summary>Lookups started so far (tests use it to prove that typing a name through asks the compiler once).</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>Starts the lookup for the site at <paramref name="offset"/> (e.g. while the request waits out its debounce); a no-op elsewhere.</summary>
    public void Start(Uri uri, SyntaxTree tree, SourceText text, int offset, Document document)
    {
        if (IdentifierSite.Find(tree.GetRoot(), offset) is { } site)
        {
            Lookup(uri, text, site, document);
        }
    }

    public async Task<IdentifierConstraint?> ForAsync(Uri uri, SyntaxTree tree, SourceText text, int offset, Document document, CancellationToken token)
    {
        var site = IdentifierSite.Find(await tree.GetRootAsync(token).ConfigureAwait(false), offset);
        if (site is null)
        {
            return null;
        }

        var entry = Lookup(uri, text, site, document);
        var lookup = entry.Lookup;
        if (!lookup.IsCompleted)
        {
            if (entry.Late) return null;
            var finished = await Task.WhenAny(lookup, Task.Delay(wait, token)).ConfigureAwait(false);
            token.ThrowIfCancellationRequested();
            if (finished != lookup)
            {
                entry.Late = true;
                logger.Debug("The identifier list for {Uri} took longer than {Ms} ms; suggestions here go unconstrained until it is ready", uri, wait.TotalMilliseconds);
                return null;
            }
        }

        var allowed = await lookup.ConfigureAwait(false);
        var remainders = allowed?.Remainders(site.Typed) ?? [];
        // Typed text that starts no known name: the user may be writing code the compiler does not know yet (a member
        // they will add next); do not hold the model to the list.
        if (allowed is null || remainders.Count == 0)
        {
            return null;
        }

        return new IdentifierConstraint(remainders)
        {
            AlternativeStarts = site.Typed.Length == 0 ? allowed.AlternativeStarts : "",
            Description = allowed.Description,
        };
    }

    public void Forget(Uri uri) => _sites.TryRemove(uri, out _);

    /// <summary>The lookup for this site: the running or finished one when the site is the same, else a new one.</summary>
    private SiteLookup Lookup(Uri uri, SourceText text, IdentifierSite site, Document document)
    {
        var key = Key(text, site);
        if (_sites.TryGetValue(uri, out var cached) && cached.Key == key)
        {
            return cached;
        }

        Interlocked.Increment(ref _lookups);
        var entry = new SiteLookup(key, Task.Run(() => LookupAsync(document, site)));
        _sites[uri] = entry;
        return entry;
    }

    /// <summary>The site's kind and place and a hash of all the text before it: what the compiler's answer depends on.</summary>
    private static string Key(SourceText text, IdentifierSite site)
    {
        var before = text.GetSubText(new TextSpan(0, site.Anchor.Span.End));
        return $"{site.Kind}:{site.Anchor.Span.End}:{Convert.ToHexString(before.GetContentHash().AsSpan())}";
    }

    private async Task<AllowedIdentifiers?> AskAsync(Document document, IdentifierSite site, CancellationToken ct)
    {
        if (models is null || await models.GetModelAsync(document, site.Anchor.Span.End, ct).ConfigureAwait(false) is not { } model)
        {
            return await AllowedIdentifierLookup.LookupAsync(document, site, ct).ConfigureAwait(false);
        }
        try
        {
            return await AllowedIdentifierLookup.LookupAsync(model, site, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && model.IsSpeculativeSemanticModel)
        {
            // A question the speculative model cannot answer (one that reaches outside the bound body): ask the full model.
            logger.Debug("Identifier list from the speculative model failed ({Message}); asking the full model", e.Message);
            return await models.GetFullModelAsync(document, ct).ConfigureAwait(false) is { } full
                ? await AllowedIdentifierLookup.LookupAsync(full, site, ct).ConfigureAwait(false)
                : null;
        }
    }

    /// <summary>Never throws: a constraint is an improvement, never a requirement.</summary>
    private async Task<AllowedIdentifiers?> LookupAsync(Document document, IdentifierSite site)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var allowed = await AskAsync(document, site, timeout.Token).ConfigureAwait(false);
            logger.Debug("Identifier list at {Kind} site: {Count} names ({Description}) in {Ms:F1} ms",
                site.Kind, allowed?.Names.Count ?? 0, allowed?.Description ?? "none", clock.Elapsed.TotalMilliseconds);
            return allowed;
        }
        catch (Exception ex)
        {
            logger.Warning(ex, "Listing the identifiers allowed at a {Kind} site failed; completing without the constraint", site.Kind);
            return null;
        }
    }
}
