using CodeLsp.Features;
using CodeLsp.Features.Completion;
using Serilog;

namespace CodeLsp.Server;

/// <summary>
/// PLACEHOLDER until CodeLsp.Features' real Assistant is merged: never loads a model, always answers no suggestions.
/// Program.cs constructs it through <see cref="Cli.ServeCommand"/>'s assistant factory; replace the factory there.
/// </summary>
internal sealed class NoModelAssistant(ILogger logger) : IAssistant
{
    public ModelStatus Status { get; } = new ModelStatus.NotConfigured();

    public event Action<ModelStatus>? StatusChanged { add { } remove { } }

    public void ApplySettings(AssistantSettings settings) =>
        logger.Information("No inference engine in this build; model {ModelPath} is not loaded", settings.ModelPath ?? "(none)");

    public Task<IReadOnlyList<InlineSuggestion>> CompleteAsync(InlineCompletionQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<InlineSuggestion>>([]);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
