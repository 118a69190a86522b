using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Protocol;
using CodeLsp.Server.Benchmarks.EngineDoubles;
using CodeLsp.Server.Hosting;
using CodeLsp.Server.Tests.Infrastructure;
using Nerdbank.Streams;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>
/// The real server (host, handlers, assistant, completion pipeline with Roslyn context and cleaning) on remote
/// engines: configured at initialize, switched by workspace/didChangeConfiguration without a restart.
/// </summary>
public sealed class RemoteEngineSessionTests
{
    private const string CartUri = "file:///w/Cart.cs";
    private const string CheckoutUri = "file:///w/Checkout.cs";

    private const string Cart = """
        namespace Shop;
        public sealed class Cart
        {
            public void AddItem(string sku, int quantity) { }
            public decimal Total() => 0m;
        }
        """;

    private const string Checkout = """
        namespace Shop;
        public static class Checkout
        {
            public static void Run(Cart cart)
            {
                cart.$$
            }
        }
        """;

    [Fact]
    public async Task Completions_come_from_the_configured_engine_and_switch_engines_without_a_restart()
    {
        await using var vllm = new VllmDouble { ApiKey = "sk-team", PieceDelay = TimeSpan.FromMilliseconds(20) };
        vllm.Model.Answer = "AddItem(\"apple\", 2);\n        cart.Total();\n";
        await using var llama = new LlamaServerDouble();
        llama.Model.Answer = "Total();";
        var environment = new Dictionary<string, string> { ["CODELSP_ENGINE_API_KEY"] = "sk-team" };
        await using var session = await Session.StartAsync(environment, new
        {
            engine = "openai",
            engineUrl = vllm.Url.ToString(),
            maxTokens = 40,
        });
        var client = session.Client;
        await client.WaitForAsync(m => m.Any(x => LogSays(x, "ready (engine openai")));
        Assert.Contains(client.Received, m => LogSays(m, "model Qwen/Qwen2.5-Coder-7B ready (engine openai at " + vllm.Url));

        var (text, caret) = Markup.Parse(Checkout);
        await client.OpenAsync(CartUri, Cart);
        await client.OpenAsync(CheckoutUri, text);
        var position = caret;

        // A request in Cart.cs puts it into the server's Roslyn workspace (open files join it when first asked about).
        await client.CompleteAsync(CartUri, new Position(3, 4), InlineCompletionTriggerKind.Invoked);
        // The first request waits at most 40 ms for a cold Roslyn context; the build finishes for the next request.
        var first = await client.CompleteAsync(CheckoutUri, position, InlineCompletionTriggerKind.Invoked);
        for (var i = 0; i < 50 && !LastPrompt(vllm).Contains("AddItem(", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            first = await client.CompleteAsync(CheckoutUri, position, InlineCompletionTriggerKind.Invoked);
        }

        // Cleaned like the local model's output: the site is single-line, so only the first line is shown.
        Assert.Equal("AddItem(\"apple\", 2);", Assert.Single(first.Items).InsertText);
        var sent = vllm.Http.Requests.Last(r => r.Path == "/v1/completions");
        Assert.Equal("Bearer sk-team", sent.Header("Authorization"));
        var prompt = sent.Json.GetProperty("prompt").GetString()!;
        Assert.True(prompt.Contains("AddItem(string sku, int quantity)", StringComparison.Ordinal), prompt);
        Assert.EndsWith("<|fim_middle|>", prompt);
        Assert.False(sent.Json.TryGetProperty("suffix", out _));
        Assert.True(sent.Json.GetProperty("max_tokens").GetInt32() <= 40);
        Assert.True(await vllm.Http.WaitUntilAsync(d => d.ClosedByClient >= 1, TimeSpan.FromSeconds(5)), "the single-line cut closed the stream");

        await client.NotifyAsync(Methods.WorkspaceDidChangeConfiguration, new
        {
            settings = new { codelsp = new { engine = "llama.cpp", engineUrl = llama.Url.ToString(), maxTokens = 40 } },
        });
        await client.WaitForAsync(m => m.Any(x => LogSays(x, "ready (engine llama.cpp")));
        var second = await client.CompleteAsync(CheckoutUri, position, InlineCompletionTriggerKind.Invoked);
        // The new engine's pipeline builds its own context: on a busy machine it may miss the first request's wait.
        static bool HasContext(LlamaServerDouble llama) =>
            llama.Http.Requests.LastOrDefault(r => r.Path == "/infill")?.Json.GetProperty("input_extra").GetArrayLength() > 0;
        for (var i = 0; i < 50 && !HasContext(llama); i++)
        {
            await Task.Delay(100);
            second = await client.CompleteAsync(CheckoutUri, position, InlineCompletionTriggerKind.Invoked);
        }

        Assert.Equal("Total();", Assert.Single(second.Items).InsertText);
        var infill = llama.Http.Requests.Last(r => r.Path == "/infill").Json;
        Assert.Contains("AddItem(string sku, int quantity)", infill.GetProperty("input_extra")[0].GetProperty("text").GetString());
        Assert.EndsWith("cart.", infill.GetProperty("input_prefix").GetString());
        // The key belongs to the configured engine, whichever kind it is.
        Assert.Equal("Bearer sk-team", llama.Http.Requests.Last().Header("Authorization"));
    }

    [Fact]
    public async Task Settings_repeated_after_initialize_keep_the_engine_and_its_probe()
    {
        await using var vllm = new VllmDouble();
        // The probe is slow, so the repeated settings arrive while it runs (as VS Code sends them right after initialized).
        vllm.Override = r => r.Path == "/v1/models" ? new StreamReply("application/json", ["{\"object\":\"list\",\"data\":[{\"id\":\"m\"}]}"]) { HeaderDelay = TimeSpan.FromMilliseconds(300) } : null;
        await using var session = await Session.StartAsync(new Dictionary<string, string>(), new { engine = "openai", engineUrl = vllm.Url.ToString() });

        await session.Client.NotifyAsync(Methods.WorkspaceDidChangeConfiguration, new { settings = new { codelsp = new { engine = "openai", engineUrl = vllm.Url.ToString() } } });

        await session.Client.WaitForAsync(m => m.Any(x => LogSays(x, "model m ready (engine openai")));
        Assert.IsType<ModelStatus.Ready>(session.Assistant.Status);
        Assert.Single(vllm.Http.Requests, r => r.Path == "/v1/models");
    }

    [Fact]
    public async Task A_wrong_url_is_one_error_that_names_the_setting_and_keystrokes_do_not_repeat_it()
    {
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)closed.LocalEndpoint).Port}/";
        closed.Stop();
        await using var session = await Session.StartAsync(new Dictionary<string, string>(), new { engine = "openai", engineUrl = url, engineModel = "Qwen/Qwen2.5-Coder-7B" });
        var client = session.Client;
        var (text, _) = Markup.Parse(Checkout);
        await client.OpenAsync(CheckoutUri, text);

        await client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage));
        for (var i = 0; i < 5; i++)
        {
            var list = await client.CompleteAsync(CheckoutUri, new Position(5, 13), InlineCompletionTriggerKind.Invoked);
            Assert.Empty(list.Items);
        }
        await Task.Delay(200);

        var shown = client.Received.Where(m => m.Method == Methods.WindowShowMessage).Select(m => m.Params.GetProperty("message").GetString()!).ToList();
        Assert.All(shown, m => Assert.Contains("codelsp.engineUrl", m));
        // One for the probe at startup, at most one more for the first failing keystroke: never one per keystroke.
        Assert.InRange(shown.Count, 1, 2);
    }

    [Fact]
    public async Task A_remote_engine_without_a_url_says_which_setting_is_missing()
    {
        await using var session = await Session.StartAsync(new Dictionary<string, string>(), new { engine = "ollama" });

        var messages = await session.Client.WaitForAsync(m => m.Any(x => x.Method == Methods.WindowShowMessage));

        Assert.Contains("codelsp.engineUrl", messages.First(m => m.Method == Methods.WindowShowMessage).Params.GetProperty("message").GetString());
        Assert.Null(session.Assistant.Pipeline);
    }

    private static string LastPrompt(VllmDouble vllm) =>
        vllm.Http.Requests.LastOrDefault(r => r.Path == "/v1/completions")?.Json.GetProperty("prompt").GetString() ?? "";

    private static bool LogSays((string Method, JsonElement Params) message, string text) =>
        message.Method == Methods.WindowLogMessage && message.Params.GetProperty("message").GetString()!.Contains(text, StringComparison.Ordinal);

    private sealed class Session : IAsyncDisposable
    {
        private Task<int> _run = null!;

        public Assistant Assistant { get; private init; } = null!;

        public TestLspClient Client { get; private init; } = null!;

        public static async Task<Session> StartAsync(IReadOnlyDictionary<string, string> environment, object initializationOptions)
        {
            var logger = Serilog.Core.Logger.None;
            var assistant = new Assistant(logger);
            var (clientStream, serverStream) = FullDuplexStream.CreatePair();
            var host = new LanguageServerHost(serverStream, serverStream, assistant, logger, new LanguageServerOptions
            {
                GetEnvironmentVariable = name => environment.GetValueOrDefault(name),
            });
            var session = new Session { Assistant = assistant, Client = new TestLspClient(clientStream) };
            session._run = Task.Run(() => host.RunAsync());
            await session.Client.InitializeAndInitializedAsync(new InitializeParams
            {
                ProcessId = Environment.ProcessId,
                InitializationOptions = JsonSerializer.SerializeToElement(initializationOptions),
            });
            return session;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Client.RequestAsync<object?>(Methods.Shutdown, null);
                await Client.NotifyAsync(Methods.Exit);
                await _run.WaitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                await Client.DisposeAsync();
            }
        }
    }
}
