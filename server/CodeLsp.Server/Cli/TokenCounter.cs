using CodeLsp.Features;
using CodeLsp.Inference;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Cli;

/// <summary>
/// How the CLI's context commands count tokens: the model's own tokenizer when <c>--model</c> is given (as the server
/// does), otherwise the conservative estimate. Either way the output says which.
/// </summary>
internal sealed class TokenCounter : IDisposable
{
    private readonly ModelHost? _model;

    private TokenCounter(ModelHost? model) => _model = model;

    public Func<int, ContextBudget> Budget => _model is { } model
        ? tokens => new ContextBudget(tokens, model.CountTokens) { Tokenizer = $"the tokenizer of {Path.GetFileName(model.Description.Path)}" }
        : ContextBudget.Estimated;

    /// <summary>Loads the model for its tokenizer; null path: the estimate. Throws <see cref="ModelLoadException"/> with a reason.</summary>
    public static async Task<TokenCounter> CreateAsync(string? modelPath, Serilog.ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(modelPath)) return new TokenCounter(null);
        var model = await ModelHost.LoadAsync(new ModelLoadOptions { Path = Assistant.ExpandPath(modelPath)!, ContextSize = 512 }, null, ct, logger).ConfigureAwait(false);
        return new TokenCounter(model);
    }

    public void Dispose() => _model?.Dispose();
}
