namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// Where a remote engine is and how to talk to it, from the <c>engine*</c> settings. Creating an engine from these
/// opens nothing; the first request (or <see cref="RemoteEngine.ConnectAsync"/>) does.
/// </summary>
public sealed record RemoteEngineOptions
{
    /// <summary><see cref="EngineKinds.LlamaCpp"/>, <see cref="EngineKinds.Ollama"/> or <see cref="EngineKinds.OpenAi"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The server's base URL, e.g. <c>http://gpu-box:8080</c> (a trailing <c>/v1</c> is accepted for <c>openai</c>).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The model name the server knows (<c>engineModel</c>); null: the one the server serves (llama.cpp, openai).</summary>
    public string? Model { get; init; }

    /// <summary>Whose FIM tokens to use for raw prompts (<c>engineFimFamily</c>); null: guessed from the model name.</summary>
    public string? FimFamily { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> when set; never logged.</summary>
    public EngineApiKey? ApiKey { get; init; }

    /// <summary>Name of the environment variable the key came from, for messages (never the key).</summary>
    public string? ApiKeySource { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of a request whose <see cref="GenerationLimits.TimeLimit"/> is infinite (a chat for an action).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Ollama's <c>keep_alive</c>: how long the server keeps the model loaded after a request.</summary>
    public string KeepAlive { get; init; } = "30m";

    /// <summary>The URL a path of this server resolves to (no double slashes, no doubled <c>/v1</c>).</summary>
    public Uri Endpoint(string path)
    {
        var root = BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (Kind != EngineKinds.Ollama && root.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) && path.StartsWith("v1/", StringComparison.Ordinal))
        {
            root = root[..^3];
        }
        return new Uri(root + "/" + path);
    }
}

/// <summary>An API key. Its <see cref="ToString"/> never shows the value, so it cannot leak through a log of the settings.</summary>
public sealed record EngineApiKey(string Value)
{
    public override string ToString() => "EngineApiKey(hidden)";
}
