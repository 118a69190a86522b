using System.Text.Json;
using CodeLsp.Features.Actions;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using CodeLsp.Workspace;
using Serilog;

namespace CodeLsp.Server.Tests;

/// <summary>
/// AI actions over LSP: the real Features providers and runner behind the server, with a scripted engine standing in
/// for the model. codeAction lists them with the command; executeCommand runs one under progress and applies it with
/// workspace/applyEdit, or refuses with one message; cancellation and concurrent edits are handled.
/// </summary>
public sealed class AiActionTests : IAsyncLifetime
{
    private const string Uri = "file:///work/shop/Cart.cs";

    private const string Source = """
        using System;
        using System.Collections.Generic;

        namespace Shop;

        public sealed class Cart
        {
            private readonly List<decimal> _prices = new();

            public void Add(decimal price) => _prices.Add(price);

            public decimal Total()
            {
                throw new NotImplementedException();
            }
        }
        """;

    private const string ValidTotal = "public decimal Total()\n{\n    decimal sum = 0;\n    foreach (var price in _prices) sum += price;\n    return sum;\n}";

    private static readonly Position s_inStub = new(13, 10);

    private readonly WorkspaceHost _workspace = new(Log.Logger);
    private readonly GatedEngine _engine = new();
    private InProcessServer _server = null!;

    public async Task InitializeAsync()
    {
        var provider = new AiCodeActionProvider(_workspace, () => _engine.Info, Log.Logger) { ErrorBudget = TimeSpan.FromMinutes(1) };
        var assistant = new FakeAssistant
        {
            CodeActions = provider.GetActionsAsync,
            RunAction = (arguments, document, progress, ct) =>
                new AiActionRunner(Log.Logger).RunAsync(_engine, _workspace.GetDocument(document.Uri, document.Text), arguments, progress, ct),
        };
        _server = await InProcessServer.StartInitializedAsync(assistant, Capabilities(tags: true, disabled: true));
        await _server.Client.OpenAsync(Uri, Source, version: 1);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _workspace.Dispose();
    }

    private static InitializeParams Capabilities(bool tags, bool disabled)
    {
        var codeAction = "{\"disabledSupport\": " + (disabled ? "true" : "false") + ", \"honorsChangeAnnotations\": true" +
                         (tags ? ", \"tagSupport\": {\"valueSet\": [1]}" : "") + "}";
        var json = "{\"processId\": 1, \"capabilities\": {" +
                   "\"window\": {\"workDoneProgress\": true, \"showDocument\": {\"support\": true}}," +
                   "\"workspace\": {\"workspaceEdit\": {\"documentChanges\": true, \"resourceOperations\": [\"create\"]}}," +
                   "\"textDocument\": {\"codeAction\": " + codeAction + "}}}";
        return JsonSerializer.Deserialize<InitializeParams>(json, LspJson.Options)!;
    }

    private Task<JsonElement> CodeActionsAsync(Position at) =>
        _server.Client.RequestAsync<JsonElement>(Methods.TextDocumentCodeAction, new
        {
            textDocument = new { uri = Uri },
            range = new { start = at, end = at },
            context = new { diagnostics = Array.Empty<object>(), triggerKind = 1 },
        });

    private async Task<JsonElement> ImplementCommandAsync()
    {
        var actions = await CodeActionsAsync(s_inStub);
        return actions.EnumerateArray().Single(a => a.GetProperty("title").GetString() == "Implement Total with AI").GetProperty("command");
    }

    private Task<JsonElement> RunAsync(JsonElement command, CancellationToken cancellationToken = default) =>
        _server.Client.RequestAsync<JsonElement>(Methods.WorkspaceExecuteCommand, new
        {
            command = command.GetProperty("command").GetString(),
            arguments = command.GetProperty("arguments"),
        }, cancellationToken);

    [Fact]
    public async Task Initialize_offers_code_actions_and_the_run_command()
    {
        await using var server = InProcessServer.Start();
        var result = await server.Client.InitializeAsync();
        Assert.Contains(AiActionNames.RunCommand, result.Capabilities.ExecuteCommandProvider!.Commands);
        Assert.False(result.Capabilities.CodeActionProvider!.ResolveProvider);
        Assert.Equal(["quickfix", "refactor.rewrite"], result.Capabilities.CodeActionProvider.CodeActionKinds!);
    }

    [Fact]
    public async Task Code_action_carries_the_command_and_the_llm_tag_and_never_runs_the_model()
    {
        var actions = await CodeActionsAsync(s_inStub);
        var implement = actions.EnumerateArray().Single(a => a.GetProperty("title").GetString() == "Implement Total with AI");
        Assert.Equal("refactor.rewrite.codelsp.ai.implement", implement.GetProperty("kind").GetString());
        Assert.Equal(1, implement.GetProperty("tags")[0].GetInt32());
        Assert.False(implement.TryGetProperty("edit", out _));
        var argument = implement.GetProperty("command").GetProperty("arguments")[0];
        Assert.Equal("codelsp.ai.run", implement.GetProperty("command").GetProperty("command").GetString());
        Assert.Equal("implement", argument.GetProperty("action").GetString());
        Assert.Equal(1, argument.GetProperty("version").GetInt32());
        Assert.Equal(Uri, argument.GetProperty("uri").GetString());
        Assert.Equal(0, _engine.Calls);
    }

    [Fact]
    public async Task Without_tag_support_there_are_no_tags_and_without_disabled_support_disabled_actions_are_left_out()
    {
        await using var server = await InProcessServer.StartInitializedAsync(new FakeAssistant
        {
            CodeActions = new AiCodeActionProvider(_workspace, () => new EngineInfo
            {
                Kind = "scripted", ModelName = "base", Location = "/", ContextSize = 4096, SupportsFim = true, SupportsChat = false, ExactTokenCounts = false,
            }, Log.Logger) { ErrorBudget = TimeSpan.FromMinutes(1) }.GetActionsAsync,
        }, Capabilities(tags: false, disabled: false));
        var broken = Source.Replace("throw new NotImplementedException();", "return _prices.Summ();", StringComparison.Ordinal);
        await server.Client.OpenAsync(Uri, broken);
        var actions = await server.Client.RequestAsync<JsonElement>(Methods.TextDocumentCodeAction, new
        {
            textDocument = new { uri = Uri },
            range = new { start = new Position(13, 25), end = new Position(13, 25) },
            context = new { diagnostics = Array.Empty<object>() },
        });
        Assert.DoesNotContain(actions.EnumerateArray(), a => a.GetProperty("title").GetString()!.StartsWith("Fix", StringComparison.Ordinal));
        Assert.All(actions.EnumerateArray(), a => Assert.False(a.TryGetProperty("tags", out _)));
    }

    [Fact]
    public async Task A_valid_answer_is_applied_as_one_versioned_edit_under_progress()
    {
        _engine.Answer = ValidTotal;
        _engine.Release();
        var result = await RunAsync(await ImplementCommandAsync());
        Assert.True(result.GetProperty("applied").GetBoolean());

        var messages = await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WorkspaceApplyEdit) &&
            m.Count(x => x.Method == Methods.Progress) >= 2);
        Assert.Contains(messages, m => m.Method == Methods.WindowWorkDoneProgressCreate);
        var begin = messages.First(m => m.Method == Methods.Progress && m.Params.GetProperty("value").GetProperty("kind").GetString() == "begin");
        Assert.True(begin.Params.GetProperty("value").GetProperty("cancellable").GetBoolean());
        var apply = messages.Single(m => m.Method == Methods.WorkspaceApplyEdit).Params;
        var change = Assert.Single(apply.GetProperty("edit").GetProperty("documentChanges").EnumerateArray());
        Assert.Equal(1, change.GetProperty("textDocument").GetProperty("version").GetInt32());
        Assert.Contains(change.GetProperty("edits").EnumerateArray(), e => e.GetProperty("newText").GetString()!.Contains("sum += price", StringComparison.Ordinal));
        Assert.Equal("AI-generated (CodeLsp)", apply.GetProperty("edit").GetProperty("changeAnnotations").GetProperty("codelsp.ai").GetProperty("label").GetString());
        Assert.DoesNotContain(messages, m => m.Method == Methods.WindowShowMessageRequest);
    }

    [Fact]
    public async Task A_refused_answer_writes_nothing_and_offers_the_attempt()
    {
        _engine.Answer = "public decimal Total()\n{\n    return _prices.Summ();\n}";
        _engine.Release();
        _server.Client.MessageChoice = _ => "Show attempt";
        var result = await RunAsync(await ImplementCommandAsync());
        Assert.False(result.GetProperty("applied").GetBoolean());
        Assert.Contains("CS1061", result.GetProperty("reason").GetString());

        var messages = await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowDocument));
        var request = messages.Single(m => m.Method == Methods.WindowShowMessageRequest).Params;
        Assert.Contains("CS1061", request.GetProperty("message").GetString());
        Assert.Equal("Show attempt", request.GetProperty("actions")[0].GetProperty("title").GetString());
        Assert.DoesNotContain(messages, m => m.Method == Methods.WorkspaceApplyEdit);
        var shown = new Uri(messages.Single(m => m.Method == Methods.WindowShowDocument).Params.GetProperty("uri").GetString()!).LocalPath;
        Assert.Contains("Summ()", await File.ReadAllTextAsync(shown));
    }

    [Fact]
    public async Task Typing_above_the_member_while_the_action_runs_moves_the_edit_to_the_new_version()
    {
        _engine.Answer = ValidTotal;
        var running = RunAsync(await ImplementCommandAsync());
        await _engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _server.Client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = new Protocol.Range(new Position(4, 0), new Position(4, 0)), Text = "// note\n" });
        await _server.Client.RequestAsync<JsonElement>(Methods.TextDocumentCodeAction, new { textDocument = new { uri = Uri }, range = new { start = s_inStub, end = s_inStub }, context = new { diagnostics = Array.Empty<object>() } });
        _engine.Release();
        Assert.True((await running).GetProperty("applied").GetBoolean());
        var apply = (await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WorkspaceApplyEdit))).Single(m => m.Method == Methods.WorkspaceApplyEdit).Params;
        var change = apply.GetProperty("edit").GetProperty("documentChanges")[0];
        Assert.Equal(2, change.GetProperty("textDocument").GetProperty("version").GetInt32());
        Assert.All(change.GetProperty("edits").EnumerateArray(), e => Assert.True(e.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32() >= 13));
    }

    [Fact]
    public async Task Typing_inside_the_member_while_the_action_runs_refuses_the_stale_edit()
    {
        _engine.Answer = ValidTotal;
        var running = RunAsync(await ImplementCommandAsync());
        await _engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _server.Client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = new Protocol.Range(new Position(13, 8), new Position(13, 8)), Text = "// wip\n        " });
        await _server.Client.RequestAsync<JsonElement>(Methods.TextDocumentCodeAction, new { textDocument = new { uri = Uri }, range = new { start = s_inStub, end = s_inStub }, context = new { diagnostics = Array.Empty<object>() } });
        _engine.Release();
        var result = await running;
        Assert.False(result.GetProperty("applied").GetBoolean());
        Assert.Contains("changed while the action ran", result.GetProperty("reason").GetString());
        var messages = await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessageRequest));
        Assert.DoesNotContain(messages, m => m.Method == Methods.WorkspaceApplyEdit);
    }

    [Fact]
    public async Task Cancel_from_the_progress_stops_the_model_and_writes_nothing()
    {
        _engine.Answer = ValidTotal;
        var running = RunAsync(await ImplementCommandAsync());
        await _engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var create = (await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowWorkDoneProgressCreate)))
            .First(m => m.Method == Methods.WindowWorkDoneProgressCreate).Params.GetProperty("token").GetString();
        await _server.Client.NotifyAsync(Methods.WindowWorkDoneProgressCancel, new { token = create });
        var result = await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.GetProperty("applied").GetBoolean());
        Assert.Equal("cancelled", result.GetProperty("reason").GetString());
        Assert.True(_engine.SawCancellation);
        await _server.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.Progress && x.Params.GetProperty("value").GetProperty("kind").GetString() == "end"));
        Assert.DoesNotContain(_server.Client.Received, m => m.Method == Methods.WorkspaceApplyEdit);
    }

    [Fact]
    public async Task Cancel_request_stops_the_model_and_writes_nothing()
    {
        _engine.Answer = ValidTotal;
        using var cts = new CancellationTokenSource();
        var running = RunAsync(await ImplementCommandAsync(), cts.Token);
        await _engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        for (var i = 0; i < 200 && !_engine.SawCancellation; i++) await Task.Delay(10);
        Assert.True(_engine.SawCancellation);
        Assert.DoesNotContain(_server.Client.Received, m => m.Method == Methods.WorkspaceApplyEdit);
    }

    [Fact]
    public async Task Bad_arguments_are_invalid_params()
    {
        var (code, _) = await RpcErrors.CatchAsync(() =>
            _server.Client.RequestAsync<JsonElement>(Methods.WorkspaceExecuteCommand, new { command = AiActionNames.RunCommand, arguments = new object[] { new { action = "poem" } } }));
        Assert.Equal(LspErrorCodes.InvalidParams, code);
        var (unknown, message) = await RpcErrors.CatchAsync(() =>
            _server.Client.RequestAsync<JsonElement>(Methods.WorkspaceExecuteCommand, new { command = AiActionNames.RunCommand, arguments = new object[] { new { action = "poem", uri = Uri, version = 1, range = new { start = s_inStub, end = s_inStub } } } }));
        Assert.Equal(LspErrorCodes.InvalidParams, unknown);
        Assert.Contains("fix, implement, implementMissing, docs, tests", message);
    }

    /// <summary>A chat engine whose answer waits until the test releases it, and that notices cancellation.</summary>
    private sealed class GatedEngine : IInferenceEngine
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Answer { get; set; } = "";

        public int Calls;

        public bool SawCancellation { get; private set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public EngineInfo Info { get; } = new()
        {
            Kind = "scripted", ModelName = "scripted", Location = "/", ContextSize = 8192, SupportsFim = true, SupportsChat = true, ExactTokenCounts = false,
        };

        public int CountTokens(string text) => text.Length / 4;

        public Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Started.TrySetResult();
            try
            {
                await _release.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation = true;
                throw;
            }

            return new ChatCompletion(Answer, StopReason.EndOfGeneration, 10, TimeSpan.Zero, 10, TimeSpan.Zero);
        }

        public void Dispose() { }
    }
}
