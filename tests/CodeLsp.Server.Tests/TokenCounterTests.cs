using CodeLsp.Inference;
using CodeLsp.Server.Cli;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Tests;

/// <summary>
/// The CLI's context commands count tokens as the server does when given a model (its own tokenizer), and say so;
/// without one, the stated estimate.
/// </summary>
public sealed class TokenCounterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("codelsp-tokens-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task With_a_model_the_budget_counts_with_its_tokenizer_and_names_it()
    {
        var path = Path.Combine(_dir, "tiny.gguf");
        TinyModel.Write(path, new TinyModelOptions());
        using var counter = await TokenCounter.CreateAsync(path, Serilog.Core.Logger.None, default);
        using var model = await ModelHost.LoadAsync(new ModelLoadOptions { Path = path, ContextSize = 512 }, null, default);
        var budget = counter.Budget(512);
        const string text = "// public Money Total(); // Net, VAT and gross\n";
        Assert.Equal(model.CountTokens(text), budget.CountTokens(text));
        Assert.Contains("tokenizer of tiny.gguf", budget.Tokenizer, StringComparison.Ordinal);
        Assert.Equal(512, budget.Tokens);
    }

    [Fact]
    public async Task Without_a_model_the_budget_is_the_stated_estimate()
    {
        using var counter = await TokenCounter.CreateAsync(null, Serilog.Core.Logger.None, default);
        var budget = counter.Budget(256);
        Assert.Equal(ContextBudget.EstimateName, budget.Tokenizer);
        Assert.Equal(ContextBudget.EstimateTokens("abcdefgh"), budget.CountTokens("abcdefgh"));
    }
}
