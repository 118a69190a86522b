using CodeLsp.Inference;

namespace CodeLsp.Features.Tests;

/// <summary>A tiny random-weight GGUF written once for the test run, and one host loaded on it.</summary>
public sealed class TinyModelFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "codelsp-features-" + Guid.NewGuid().ToString("N"));

    public string ModelPath => Path.Combine(_directory, "tiny.gguf");

    public ModelHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        TinyModel.Write(ModelPath, new TinyModelOptions());
        Host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = ModelPath, Threads = 2 }, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Host.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny model";
}
