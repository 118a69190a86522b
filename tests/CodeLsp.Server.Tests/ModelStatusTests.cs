using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;

namespace CodeLsp.Server.Tests;

public sealed class ModelStatusTests
{
    private static InitializeParams WithProgress(bool workDoneProgress) => new()
    {
        ProcessId = 1,
        Capabilities = new ClientCapabilities { Window = new WindowClientCapabilities { WorkDoneProgress = workDoneProgress } },
    };

    private static string? Kind(JsonElement progress) => progress.GetProperty("value").GetProperty("kind").GetString();

    [Fact]
    public async Task Loading_ThenReady_SendsCreateBeginReportEnd_AndALogMessage()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, WithProgress(true));

        assistant.Raise(new ModelStatus.Loading("/models/qwen-coder.gguf", 0f));
        assistant.Raise(new ModelStatus.Loading("/models/qwen-coder.gguf", 0.5f));
        assistant.Raise(new ModelStatus.Ready("/models/qwen-coder.gguf", "Qwen Coder", TimeSpan.FromSeconds(1.5)));

        var messages = await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowLogMessage));
        Assert.Equal(
            [Methods.WindowWorkDoneProgressCreate, Methods.Progress, Methods.Progress, Methods.Progress, Methods.WindowLogMessage],
            messages.Select(m => m.Method));
        var token = messages[0].Params.GetProperty("token").GetString();
        Assert.All(messages.Where(m => m.Method == Methods.Progress), m => Assert.Equal(token, m.Params.GetProperty("token").GetString()));
        var progress = messages.Where(m => m.Method == Methods.Progress).Select(m => m.Params).ToArray();
        Assert.Equal(["begin", "report", "end"], progress.Select(Kind));
        Assert.Equal("Loading model qwen-coder.gguf", progress[0].GetProperty("value").GetProperty("title").GetString());
        Assert.Equal(50, progress[1].GetProperty("value").GetProperty("percentage").GetInt32());
        Assert.Contains("Qwen Coder", messages[^1].Params.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Failure_IsShownOnce_ForTheSamePathAndMessage()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, WithProgress(true));

        assistant.Raise(new ModelStatus.Loading("/models/broken.gguf", 0f));
        assistant.Raise(new ModelStatus.Failed("/models/broken.gguf", "not a GGUF file"));
        assistant.Raise(new ModelStatus.Loading("/models/broken.gguf", 0f));
        assistant.Raise(new ModelStatus.Failed("/models/broken.gguf", "not a GGUF file"));
        assistant.Raise(new ModelStatus.Failed("/models/other.gguf", "file not found"));

        var messages = await server.Client.WaitForAsync(m => m.Count(x => x.Method == Methods.WindowShowMessage) == 2);
        await Task.Delay(100);
        messages = server.Client.Received.ToArray();
        var shown = messages.Where(m => m.Method == Methods.WindowShowMessage).Select(m => m.Params).ToArray();
        Assert.Equal(2, shown.Length);
        Assert.Equal((int)MessageType.Error, shown[0].GetProperty("type").GetInt32());
        Assert.Contains("not a GGUF file", shown[0].GetProperty("message").GetString());
        Assert.Contains("file not found", shown[1].GetProperty("message").GetString());
        // Each load attempt's progress is ended.
        Assert.Equal(["begin", "end", "begin", "end"], messages.Where(m => m.Method == Methods.Progress).Select(m => Kind(m.Params)));
    }

    [Fact]
    public async Task NewModelPathMidLoad_EndsTheOldProgressAndBeginsANewOne()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, WithProgress(true));

        assistant.Raise(new ModelStatus.Loading("/models/a.gguf", 0.2f));
        assistant.Raise(new ModelStatus.Loading("/models/b.gguf", 0f));
        assistant.Raise(new ModelStatus.Ready("/models/b.gguf", "B", TimeSpan.FromSeconds(1)));

        var messages = await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowLogMessage));
        var progress = messages.Where(m => m.Method == Methods.Progress).Select(m => m.Params).ToArray();
        Assert.Equal(["begin", "end", "begin", "end"], progress.Select(Kind));
        Assert.Equal("Loading model b.gguf", progress[2].GetProperty("value").GetProperty("title").GetString());
        Assert.Equal(2, messages.Count(m => m.Method == Methods.WindowWorkDoneProgressCreate));
    }

    [Fact]
    public async Task ClientWithoutWorkDoneProgress_GetsNoProgress_ButStillTheFailureMessage()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, WithProgress(false));

        assistant.Raise(new ModelStatus.Loading("/models/a.gguf", 0.1f));
        assistant.Raise(new ModelStatus.Loading("/models/a.gguf", 0.9f));
        assistant.Raise(new ModelStatus.Failed("/models/a.gguf", "out of memory"));

        var messages = await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage));
        Assert.DoesNotContain(messages, m => m.Method is Methods.Progress or Methods.WindowWorkDoneProgressCreate);
    }

    [Fact]
    public async Task StatusBeforeInitialized_IsHeldUntilTheClientIsReady()
    {
        var assistant = new FakeAssistant();
        await using var server = InProcessServer.Start(assistant);
        await server.Client.InitializeAsync(WithProgress(true));
        assistant.Raise(new ModelStatus.Loading("/models/a.gguf", 0f));
        await Task.Delay(200);
        Assert.Empty(server.Client.Received);

        await server.Client.NotifyAsync(Methods.Initialized, new { });

        var messages = await server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.Progress));
        Assert.Equal(Methods.WindowWorkDoneProgressCreate, messages[0].Method);
    }

    [Fact]
    public async Task SlowClient_DoesNotBlockRequests()
    {
        var assistant = new FakeAssistant();
        await using var server = await InProcessServer.StartInitializedAsync(assistant, WithProgress(true));
        await server.Client.OpenAsync("file:///w/a.cs", "x");

        for (var i = 0; i < 200; i++) assistant.Raise(new ModelStatus.Loading("/models/a.gguf", i / 200f));
        var list = await server.Client.CompleteAsync("file:///w/a.cs", new Position(0, 1)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Single(list.Items);
    }
}
