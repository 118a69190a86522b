using CodeLsp.Features.Completion;
using CodeLsp.Inference;

namespace CodeLsp.Features.Tests;

/// <summary>A model that answers from a script: only for tests of the pipeline's own logic (caching, ordering).</summary>
internal sealed class ScriptedFimModel(Func<FimPrompt, string> answer) : IFimModel
{
    public int Calls;

    public ModelDescription Description { get; } = new()
    {
        Path = "/scripted.gguf", Name = "scripted", Architecture = "none", ContextSize = 4096, TrainingContextSize = 4096,
        VocabularySize = 0, ParameterCount = 0, FimTokens = new FimTokens(1, 2, 3, [], "script"), FileSizeBytes = 0, LoadTime = TimeSpan.Zero,
    };

    public int CountTokens(string text) => (text.Length + 3) / 4;

    public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        cancellationToken.ThrowIfCancellationRequested();
        var text = answer(prompt);
        return Task.FromResult(new FimCompletion(text, StopReason.EndOfGeneration, 10, 0, TimeSpan.FromMilliseconds(1), 5, TimeSpan.FromMilliseconds(1)));
    }
}
