using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests;

/// <summary>The model file changes under a loaded model: deleted, or overwritten in place (the same inode, shorter).</summary>
public sealed class ModelFaultTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("codelsp-fault-").FullName;

    /// <summary>A fresh document each time, so nothing is answered from a cache: the model runs.</summary>
    private static InlineCompletionQuery Query(string name) => new(
        new TextDocumentState(new Uri($"file:///fault/{name}.cs"), "csharp", 1, SourceText.From($"class {name}\n{{\n    void M()\n    {{\n        \n    }}\n}}\n")),
        35, CompletionTrigger.Invoked, null);

    [Theory]
    [InlineData("deleted")]
    [InlineData("overwritten in place, shorter")]
    [InlineData("replaced by rename")]
    public async Task A_loaded_model_keeps_serving_when_its_file_changes(string change)
    {
        var model = Path.Combine(_directory, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());
        await using var assistant = new Assistant(Serilog.Core.Logger.None);
        assistant.ApplySettings(new AssistantSettings { ModelPath = model, Threads = 1 });
        Assert.IsType<ModelStatus.Ready>(await assistant.WaitForModelAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        var traces = new List<CompletionTrace>();
        assistant.CompletionTraced += (_, trace) => traces.Add(trace);
        await assistant.CompleteAsync(Query("Before"), CancellationToken.None);

        switch (change)
        {
            case "deleted":
                File.Delete(model);
                break;
            case "overwritten in place, shorter":
                await File.WriteAllTextAsync(model, "not a model any more");
                break;
            default:
                var other = Path.Combine(_directory, "other.gguf");
                TinyModel.Write(other, new TinyModelOptions { Dim = 32 });
                File.Move(other, model, overwrite: true);
                break;
        }
        await assistant.CompleteAsync(Query("After"), CancellationToken.None);
        await assistant.CompleteAsync(Query("AfterAgain"), CancellationToken.None);

        Assert.IsType<ModelStatus.Ready>(assistant.Status);
        Assert.Equal(3, traces.Count);
        Assert.All(traces, t => Assert.DoesNotContain("fail", t.Outcome, StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A model with a real-size vocabulary (Qwen2.5's 151,665 tokens), its special tokens at ids above 151,000.</summary>
public sealed class RealSizeVocabularyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("codelsp-vocab-").FullName;

    [Fact]
    public async Task Loads_finds_its_fim_tokens_and_completes()
    {
        var model = Path.Combine(_directory, "vocab.gguf");
        TinyModel.Write(model, new TinyModelOptions { VocabularySize = 151_665 });
        await using var assistant = new Assistant(Serilog.Core.Logger.None);

        assistant.ApplySettings(new AssistantSettings { ModelPath = model, Threads = 1 });
        Assert.IsType<ModelStatus.Ready>(await assistant.WaitForModelAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(120)));
        var host = ((CodeLsp.Inference.Engines.LocalEngine)assistant.Pipeline!.Model).Host;
        var traces = new List<CompletionTrace>();
        assistant.CompletionTraced += (_, trace) => traces.Add(trace);
        var document = new TextDocumentState(new Uri("file:///vocab/A.cs"), "csharp", 1, SourceText.From("class A\n{\n    void M()\n    {\n        \n    }\n}\n"));
        await assistant.CompleteAsync(new InlineCompletionQuery(document, 35, CompletionTrigger.Invoked, null), CancellationToken.None);

        Assert.True(host.Description.SupportsFim);
        Assert.True(host.Description.FimTokens!.Prefix > 151_000, $"FIM prefix id {host.Description.FimTokens.Prefix}");
        Assert.Single(traces);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
