using CodeLsp.Features.Actions;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using Serilog;

namespace CodeLsp.Features.Tests.Actions;

/// <summary>
/// Every action end to end on the real llama.cpp path (a tiny random-weight model: an instruct variant with a chat
/// template, and a base variant with FIM only). Its answers are noise, and noise must never reach a file.
/// </summary>
public sealed class TinyModelActionTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "codelsp-actions-tiny-" + Guid.NewGuid().ToString("N"));
    private ModelHost _instruct = null!;
    private ModelHost _base = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var instruct = Path.Combine(_directory, "instruct.gguf");
        var basePath = Path.Combine(_directory, "base.gguf");
        TinyModel.Write(instruct, new TinyModelOptions { ContextLength = 4096 });
        TinyModel.Write(basePath, new TinyModelOptions { ContextLength = 4096, ChatTemplate = false });
        _instruct = await ModelHost.LoadAsync(new ModelLoadOptions { Path = instruct, ContextSize = 4096, Threads = 2 }, null, CancellationToken.None);
        _base = await ModelHost.LoadAsync(new ModelLoadOptions { Path = basePath, ContextSize = 4096, Threads = 2 }, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _instruct.Dispose();
        _base.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private const string Source = """
        using System;
        namespace Shop;
        public interface IPriced { decimal Price(string sku); }
        public sealed class Catalog : /*missing*/IPriced { }
        public sealed class Cart
        {
            private decimal _sum;
            public void /*docs*/Add(decimal price) => _sum += price;
            public decimal Total()
            {
                /*stub*/throw new NotImplementedException();
            }
            public int Count() => (int)_sum./*error*/Lenght;
        }
        """;

    [Theory]
    [InlineData("fix", "error", true)]
    [InlineData("implement", "stub", true)]
    [InlineData("implementMissing", "missing", true)]
    [InlineData("docs", "docs", true)]
    [InlineData("tests", "docs", true)]
    [InlineData("implement", "stub", false)]
    [InlineData("docs", "docs", false)]
    public async Task The_tiny_models_noise_is_refused_and_nothing_is_written(string action, string marker, bool instruct)
    {
        var at = Source.IndexOf($"/*{marker}*/", StringComparison.Ordinal) + marker.Length + 4;
        var workspace = ActionWorkspace.Create(Source.Insert(at, "$$"), withTestProject: true);
        var kind = AiActionNames.Parse(action)!.Value;
        using var engine = new LocalEngineView(instruct ? _instruct : _base);
        var runner = new AiActionRunner(Log.Logger, new ActionOptions { MaxTokens = 48 });
        var outcome = await runner.RunAsync(engine, workspace.Document, workspace.Arguments(kind, kind == AiActionKind.Fix ? "CS1061" : null), null, CancellationToken.None);

        Assert.False(outcome.Accepted);
        Assert.Empty(outcome.Edits);
        Assert.Equal(2, outcome.Attempts.Count);
        Assert.All(outcome.Attempts, a => Assert.True(a.GeneratedTokens > 0, "the real model generated"));
        Assert.Contains(outcome.Attempts[^1].Gates, g => !g.Passed);
        Assert.StartsWith("CodeLsp AI: no valid", outcome.Refusal);
    }

    /// <summary>The local engine over a shared host, without disposing the host.</summary>
    private sealed class LocalEngineView(ModelHost host) : IInferenceEngine
    {
        private readonly LocalEngine _engine = new(host);

        public EngineInfo Info => _engine.Info;

        public int CountTokens(string text) => _engine.CountTokens(text);

        public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken) =>
            _engine.CompleteAsync(prompt, limits, cancellationToken);

        public Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken) =>
            _engine.ChatAsync(request, limits, cancellationToken);

        public void Dispose() { }
    }
}
