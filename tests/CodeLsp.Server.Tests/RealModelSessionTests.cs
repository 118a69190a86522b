using System.Diagnostics;
using System.Text.Json;
using CodeLsp.Inference;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using StreamJsonRpc;

namespace CodeLsp.Server.Tests;

/// <summary>
/// The whole path, out of process: the built <c>codelsp</c> executable, a generated tiny GGUF model loaded by the
/// real llama.cpp, and an LSP client on its stdio — initialize → didOpen → inlineCompletion → shutdown → exit.
/// </summary>
public sealed class RealModelSessionTests : IDisposable
{
    private const string Uri = "file:///w/Greeter.cs";
    private const string Source = "class Greeter\n{\n    public string Greet(string name)\n    {\n        return \n    }\n}\n";
    private static readonly Position Caret = new(4, 15);

    private readonly string _temp = Directory.CreateTempSubdirectory("codelsp-real-").FullName;

    private ServerProcess Start() => ServerProcess.Start(_temp, "serve", "--log-file", Path.Combine(_temp, "server.log"));

    private static InitializeParams WithModel(string path) => new()
    {
        ProcessId = Environment.ProcessId,
        InitializationOptions = JsonSerializer.SerializeToElement(new { modelPath = path, maxTokens = 16, threads = 2 }),
    };

    [Fact]
    public async Task Completes_from_a_real_model_then_cancels_and_exits_cleanly()
    {
        var model = Path.Combine(_temp, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions());
        await using var server = Start();
        var (process, client) = (server.Process, server.Client);
        {
            var stopwatch = Stopwatch.StartNew();
            await client.InitializeAsync(WithModel(model)).WaitAsync(TimeSpan.FromSeconds(30));
            var initializeMs = stopwatch.ElapsedMilliseconds;
            await client.NotifyAsync(Methods.Initialized, new { });
            await client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowLogMessage && x.Params.ToString().Contains("ready")), TimeSpan.FromSeconds(60));
            await client.OpenAsync(Uri, Source);

            var list = await client.CompleteAsync(Uri, Caret, InlineCompletionTriggerKind.Invoked).WaitAsync(TimeSpan.FromSeconds(60));

            var item = Assert.Single(list.Items);
            Assert.False(string.IsNullOrWhiteSpace(item.InsertText));
            Assert.DoesNotContain('\n', item.InsertText); // mid-statement: a single line
            Assert.Equal(Caret, item.Range!.Start);
            Assert.True(initializeMs < 10_000, $"initialize took {initializeMs} ms");

            // Cancelled before the answer: RequestCancelled, and the server keeps serving.
            using var cts = new CancellationTokenSource();
            // Automatic: it waits out the debounce (≥40 ms) first, so the cancel always lands before the answer.
            var cancelled = client.CompleteAsync(Uri, Caret, InlineCompletionTriggerKind.Automatic, cts.Token);
            await cts.CancelAsync();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => cancelled);
            Assert.True(error is OperationCanceledException or RemoteInvocationException { ErrorCode: LspErrorCodes.RequestCancelled }, error.ToString());
            var again = await client.CompleteAsync(Uri, Caret, InlineCompletionTriggerKind.Invoked).WaitAsync(TimeSpan.FromSeconds(60));
            // The server keeps serving after the cancel. (Not the same text as the first answer: by now the Roslyn
            // context, built in the background after the first request, is part of the prompt.)
            var repeated = Assert.Single(again.Items).InsertText;
            Assert.False(string.IsNullOrWhiteSpace(repeated));
            Assert.DoesNotContain('\n', repeated);

            await client.RequestAsync<JsonElement>(Methods.Shutdown, null);
            await client.NotifyAsync(Methods.Exit);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, process.ExitCode);
        }
    }

    [Theory]
    [InlineData("missing", "not found")]
    [InlineData("truncated", "truncated")]
    [InlineData("text", "not a GGUF file")]
    public async Task A_bad_model_file_is_reported_once_and_the_server_keeps_serving(string kind, string expected)
    {
        var path = Path.Combine(_temp, kind + ".gguf");
        if (kind == "truncated")
        {
            TinyModel.Write(path, new TinyModelOptions());
            var bytes = await File.ReadAllBytesAsync(path);
            await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        }
        else if (kind == "text")
        {
            await File.WriteAllTextAsync(path, "this is not a model");
        }

        await using var server = Start();
        var (process, client) = (server.Process, server.Client);
        {
            await client.InitializeAsync(WithModel(path)).WaitAsync(TimeSpan.FromSeconds(30));
            await client.NotifyAsync(Methods.Initialized, new { });
            var messages = await client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage), TimeSpan.FromSeconds(30));
            await client.OpenAsync(Uri, Source);
            var list = await client.CompleteAsync(Uri, Caret, InlineCompletionTriggerKind.Invoked).WaitAsync(TimeSpan.FromSeconds(10));
            await Task.Delay(200);

            var shown = client.Received.Where(x => x.Method == Methods.WindowShowMessage).ToList();
            var message = Assert.Single(shown).Params.GetProperty("message").GetString()!;
            Assert.Contains(expected, message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(path, message);
            Assert.Empty(list.Items);
            Assert.False(process.HasExited);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }
}
