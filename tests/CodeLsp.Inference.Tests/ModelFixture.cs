using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace CodeLsp.Inference.Tests;

/// <summary>
/// Generates the tiny test models once per test run (each variant on first use) into a temp directory,
/// and provides a Serilog logger whose events tests can inspect.
/// </summary>
public sealed class ModelFixture : IDisposable
{
    private readonly ConcurrentDictionary<string, string> _models = new();

    public ModelFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("codelsp-inference-tests-").FullName;
        Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(Events).CreateLogger();
        DefaultModel = Model("default", new TinyModelOptions());
    }

    public string Directory { get; }

    /// <summary>The default tiny model: 64 dim, 2 layers, Qwen-style FIM tokens with metadata.</summary>
    public string DefaultModel { get; }

    public CollectingSink Events { get; } = new();

    public ILogger Logger { get; }

    /// <summary>Path of a tiny model written with <paramref name="options"/>, generated the first time the name is asked for.</summary>
    public string Model(string name, TinyModelOptions options) =>
        _models.GetOrAdd(name, n =>
        {
            var path = Path.Combine(Directory, n + ".gguf");
            TinyModel.Write(path, options);
            return path;
        });

    /// <summary>A file in the fixture directory with the given bytes.</summary>
    public string File(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public Task<ModelHost> LoadAsync(string path, int contextSize = 1024, int batchSize = 512) =>
        ModelHost.LoadAsync(new ModelLoadOptions { Path = path, ContextSize = contextSize, Threads = 1, BatchSize = batchSize }, null, CancellationToken.None, Logger);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a mapped file may still be open on some platforms.
        }
    }
}

public sealed class CollectingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> All => [.. _events];

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
}

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<ModelFixture>
{
    public const string Name = "tiny models";
}
