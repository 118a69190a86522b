using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests;

/// <summary>
/// unloadAfterIdleMinutes with a real assistant and a tiny model, on a short interval: the model is freed after the quiet
/// interval (no pipeline, status Unloaded), and the next completion request reloads it and is answered.
/// </summary>
public sealed class IdleUnloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("codelsp-idle-").FullName;

    [Fact]
    public async Task The_model_is_unloaded_after_the_idle_interval_and_reloaded_by_the_next_request()
    {
        var model = Path.Combine(_directory, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());
        await using var assistant = new Assistant(Serilog.Core.Logger.None);
        var unloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        assistant.StatusChanged += status =>
        {
            if (status is ModelStatus.Unloaded) unloaded.TrySetResult();
        };

        assistant.ApplySettings(new AssistantSettings { ModelPath = model, UnloadAfterIdleMinutes = 0.01, Threads = 1 });
        Assert.IsType<ModelStatus.Ready>(await assistant.WaitForModelAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        await unloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(assistant.Pipeline);
        var document = new TextDocumentState(new Uri("file:///idle/A.cs"), "csharp", 1, SourceText.From("class A\n{\n    void M()\n    {\n        \n    }\n}\n"));
        var suggestions = await assistant.CompleteAsync(new InlineCompletionQuery(document, 35, CompletionTrigger.Invoked, null), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotNull(suggestions);
        Assert.IsType<ModelStatus.Ready>(assistant.Status);
        Assert.NotNull(assistant.Pipeline);
    }

    [Fact]
    public async Task Without_the_setting_the_model_stays_loaded()
    {
        var model = Path.Combine(_directory, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());
        await using var assistant = new Assistant(Serilog.Core.Logger.None);

        assistant.ApplySettings(new AssistantSettings { ModelPath = model, Threads = 1 });
        await assistant.WaitForModelAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(1500);

        Assert.IsType<ModelStatus.Ready>(assistant.Status);
        Assert.NotNull(assistant.Pipeline);
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
