using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;

namespace CodeLsp.Features.Tests;

/// <summary>A model that answers from a script: only for tests of the pipeline's own logic (caching, ordering).</summary>
internal sealed class ScriptedFimModel(Func<FimPrompt, string> answer) : IInferenceEngine
{
    public int Calls;

    public EngineInfo Info { get; } = new()
    {
        Kind = "scripted", ModelName = "scripted", Location = "/scripted.gguf", ContextSize = 4096,
        SupportsFim = true, SupportsChat = false, ExactTokenCounts = false,
    };

    public Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken) =>
        throw new NotSupportedException("scripted FIM only");

    public void Dispose() { }

    public int CountTokens(string text) => (text.Length + 3) / 4;

    public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        cancellationToken.ThrowIfCancellationRequested();
        var text = answer(prompt);
        return Task.FromResult(new FimCompletion(text, StopReason.EndOfGeneration, 10, 0, TimeSpan.FromMilliseconds(1), 5, TimeSpan.FromMilliseconds(1)));
    }
}
