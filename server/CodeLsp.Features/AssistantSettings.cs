namespace CodeLsp.Features;

/// <summary>
/// What the user configured (initializationOptions, codelsp.* settings, environment), already merged.
/// Null means "not set": the assistant picks the default.
/// </summary>
public sealed record AssistantSettings
{
    public string? ModelPath { get; init; }
    public bool Enabled { get; init; } = true;
    public int MaxTokens { get; init; } = 64;
    public int ContextSize { get; init; } = 4096;
    /// <summary>Threads for generation and prompt processing; null → physical-ish core count.</summary>
    public int? Threads { get; init; }
    public int TimeLimitMs { get; init; } = 3000;
    /// <summary>Tokens of Roslyn context (signatures, members, locals) put before the prefix; 0 turns it off.</summary>
    public int ContextTokens { get; init; } = 512;
    /// <summary>Drop suggestions that the compiler says introduce errors (unknown members, wrong arguments …).</summary>
    public bool CompileCheck { get; init; } = true;
    /// <summary>Limit a suggestion's first identifier after <c>receiver.</c>, <c>new </c> or where a type is expected to what the compiler allows there.</summary>
    public bool ConstrainedDecoding { get; init; } = true;
    /// <summary>Suggest while typing; when false only explicit requests are answered.</summary>
    public bool Automatic { get; init; } = true;
    /// <summary>Most time one model call of an AI action (code action) may take.</summary>
    public int ActionTimeLimitMs { get; init; } = 180_000;

    /// <summary><c>local</c> (the in-process model; no network at all), <c>llama.cpp</c>, <c>ollama</c> or <c>openai</c>.</summary>
    public string Engine { get; init; } = Inference.Engines.EngineKinds.Local;

    /// <summary>Base URL of a remote engine, e.g. http://gpu-box:8080.</summary>
    public string? EngineUrl { get; init; }

    /// <summary>The model name the remote server knows (optional for llama.cpp and openai: the one it serves).</summary>
    public string? EngineModel { get; init; }

    /// <summary>Whose FIM tokens raw prompts use (see FimFamilies); null: guessed from the model name.</summary>
    public string? EngineFimFamily { get; init; }

    /// <summary>Name of the environment variable the key was read from (for messages).</summary>
    public string? EngineApiKeyEnv { get; init; }

    /// <summary>The key itself, read from <see cref="EngineApiKeyEnv"/>; its ToString never shows it.</summary>
    public Inference.Engines.Remote.EngineApiKey? EngineApiKey { get; init; }

    /// <summary>Target framework to load multi-targeted projects for (e.g. "net8.0"); null: the newest each project has.</summary>
    public string? TargetFramework { get; init; }
    /// <summary>Load every target framework of multi-targeted projects (more memory; read when the workspace loads).</summary>
    public bool LoadAllTargetFrameworks { get; init; }

    /// <summary>Unload the model after this many minutes without completion requests or edits (fractions allowed); the next request reloads it. 0: never.</summary>
    public double UnloadAfterIdleMinutes { get; init; }
}
