using CodeLsp.Inference;

namespace CodeLsp.Features.Completion;

/// <summary>The one thing the completion pipeline needs of a model. <see cref="ModelHost"/> in production.</summary>
public interface IFimModel
{
    ModelDescription Description { get; }

    int CountTokens(string text);

    Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken);
}

/// <summary>Adapts the in-process <see cref="ModelHost"/>.</summary>
public sealed class LocalFimModel(ModelHost host) : IFimModel
{
    public ModelHost Host => host;

    public ModelDescription Description => host.Description;

    public int CountTokens(string text) => host.CountTokens(text);

    public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken) =>
        host.CompleteAsync(prompt, limits, cancellationToken);
}
