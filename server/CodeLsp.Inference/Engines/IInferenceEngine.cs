namespace CodeLsp.Inference.Engines;

/// <summary>
/// The one abstraction under completions, AI actions and next edits: something that fills in the middle of code
/// and answers chat requests. <c>local</c> is the in-process LLamaSharp model (<see cref="LocalEngine"/>); remote
/// kinds talk to a team's llama.cpp server, Ollama or an OpenAI-compatible server. Features never know which.
/// </summary>
public interface IInferenceEngine : IDisposable
{
    /// <summary>What answers, and what it can do.</summary>
    EngineInfo Info { get; }

    /// <summary>Tokens <paramref name="text"/> takes: the model's own tokenizer where the engine has one, else a conservative estimate (<see cref="EngineInfo.ExactTokenCounts"/>).</summary>
    int CountTokens(string text);

    /// <summary>Fills in the middle. Throws <see cref="NotSupportedException"/> when <see cref="EngineInfo.SupportsFim"/> is false.</summary>
    Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken);

    /// <summary>Answers a chat (the model's own chat template). Throws <see cref="NotSupportedException"/> when <see cref="EngineInfo.SupportsChat"/> is false.</summary>
    Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// Something the user should be told once (a remote engine refused the key, is unreachable, is busy), raised the
    /// first time a problem appears and again only after a request succeeded in between. The local engine has none.
    /// </summary>
    event Action<string>? Notice { add { } remove { } }
}

/// <summary>What an engine is: its kind, the model that answers, and its capabilities.</summary>
public sealed record EngineInfo
{
    /// <summary><c>local</c>, <c>llama.cpp</c>, <c>ollama</c> or <c>openai</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The model's name (general.name locally, the server's model id remotely).</summary>
    public required string ModelName { get; init; }

    /// <summary>Where it runs: the model file for <c>local</c>, the base URL otherwise.</summary>
    public required string Location { get; init; }

    /// <summary>Tokens the model's context window holds.</summary>
    public required int ContextSize { get; init; }

    public required bool SupportsFim { get; init; }

    /// <summary>True when the model has a chat template (an instruct model); base FIM models can only fill in the middle.</summary>
    public required bool SupportsChat { get; init; }

    /// <summary>True when <see cref="IInferenceEngine.CountTokens"/> uses the model's own tokenizer.</summary>
    public required bool ExactTokenCounts { get; init; }

    public bool IsLocal => Kind == EngineKinds.Local;
}

/// <summary>Names of the engine kinds, as the <c>engine</c> setting spells them.</summary>
public static class EngineKinds
{
    public const string Local = "local";
    public const string LlamaCpp = "llama.cpp";
    public const string Ollama = "ollama";
    public const string OpenAi = "openai";
}

/// <summary>
/// Who is waiting. Typing always wins: an <see cref="Interactive"/> request (a keystroke completion) is served
/// before <see cref="Background"/> work (an AI action, a next-edit body) continues its next decode step.
/// </summary>
public enum WorkPriority
{
    Interactive,
    Background,
}

/// <summary>One chat message; <see cref="Role"/> is <c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// A chat request. <see cref="ResponsePrefix"/> pre-fills the assistant's turn (e.g. an opening <c>```csharp</c> fence) and
/// is not part of <see cref="ChatCompletion.Text"/>; generation ends at any of <see cref="Stop"/> (not included in the text).
/// </summary>
public sealed record ChatRequest(IReadOnlyList<ChatMessage> Messages)
{
    public string? ResponsePrefix { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Optional GBNF grammar (root rule <c>root</c>) that constrains the answer, where the engine supports one.</summary>
    public string? Grammar { get; init; }
}

/// <summary>The answer to a <see cref="ChatRequest"/>, with the numbers needed to judge its cost.</summary>
public sealed record ChatCompletion(
    string Text,
    StopReason StopReason,
    int PromptTokens,
    TimeSpan PromptTime,
    int GeneratedTokens,
    TimeSpan GenerationTime);
