using System.Text;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>The small shared pieces of the remote engines, as data: SSE framing, chat shaping, raw FIM prompts, URLs, error bodies.</summary>
public sealed class StreamFramingTests
{
    public static TheoryData<string, string[]> SseCases => new()
    {
        // llama-server: no space variants, a ping comment, no [DONE]
        { "data: {\"a\":1}\n\n: ping\n\ndata:{\"a\":2}\n\n", ["data|{\"a\":1}", "data|{\"a\":2}"] },
        // OpenAI style: ends at [DONE]; what follows is never read
        { "data: x\n\ndata: [DONE]\n\ndata: after\n\n", ["data|x", "data|[DONE]"] },
        // event: and id: lines are skipped; multi-line data joined with \n
        { "event: message\nid: 3\ndata: one\ndata: two\n\n", ["data|one\ntwo"] },
        // older llama-server error field
        { "data: {\"content\":\"a\"}\n\nerror: {\"code\":500}\n\n", ["data|{\"content\":\"a\"}", "error|{\"code\":500}"] },
        // CRLF line ends and a stream that ends without a blank line
        { "data: a\r\n\r\ndata: b", ["data|a", "data|b"] },
    };

    [Theory]
    [MemberData(nameof(SseCases))]
    public async Task Sse_reader_splits_events_as_every_engine_frames_them(string wire, string[] expected)
    {
        var events = new List<string>();
        await foreach (var e in SseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(wire)), CancellationToken.None))
        {
            events.Add($"{e.Field}|{e.Data}");
        }
        Assert.Equal(expected, events);
    }

    public static TheoryData<string?, string[], string[], string, bool> ShaperCases => new()
    {
        // No prefix: the answer as is, cut at a stop
        { null, ["x"], ["var a", " = 1;x tail"], "var a = 1;", true },
        // The model writes the requested fence itself: removed, and the closing fence is the stop
        { "```csharp\n", ["```"], ["```c", "sharp\nvar a = 1;\n", "```\n"], "var a = 1;\n", true },
        // Another fence spelling: its line is dropped
        { "```csharp\n", ["```"], ["```cs\nint x;\n``", "`"], "int x;\n", true },
        // No fence at all: nothing removed, no stop seen yet
        { "```csharp\n", ["```"], ["int y;"], "int y;", false },
        // CRLF after the fence
        { "```csharp\n", ["```"], ["```csharp\r\nint z;\r\n```"], "int z;\r\n", true },
        // A JSON prefix written with other spacing is still recognised
        { "{\"summary\": \"", [], ["{\n  \"summary\":", " \"Adds an item.\"}"], "Adds an item.\"}", false },
        // Undecided while the answer could still be the prefix
        { "{\"summary\": \"", [], ["{\"sum"], "", false },
    };

    [Theory]
    [MemberData(nameof(ShaperCases))]
    public void Chat_answers_are_shaped_to_the_request(string? prefix, string[] stops, string[] pieces, string expected, bool stopped)
    {
        var shaper = new ChatAnswerShaper(new ChatRequest([new ChatMessage("user", "q")]) { ResponsePrefix = prefix, Stop = stops });
        foreach (var piece in pieces) shaper.Add(piece);
        Assert.Equal(expected, shaper.Text);
        Assert.Equal(stopped, shaper.Stopped);
        Assert.Equal(prefix is null ? stops : [], shaper.ServerStops);
    }

    [Theory]
    [InlineData("qwen2.5-coder:7b-base", "Qwen2.5-Coder", "<|fim_prefix|>ctx\nint a = <|fim_suffix|>;\n<|fim_middle|>")]
    [InlineData("Qwen/Qwen2.5-Coder-7B", "Qwen2.5-Coder", "<|fim_prefix|>ctx\nint a = <|fim_suffix|>;\n<|fim_middle|>")]
    [InlineData("deepseek-coder:6.7b-base", "DeepSeek-Coder", "<｜fim▁begin｜>ctx\nint a = <｜fim▁hole｜>;\n<｜fim▁end｜>")]
    [InlineData("bigcode/starcoder2-15b", "StarCoder2", "<fim_prefix>ctx\nint a = <fim_suffix>;\n<fim_middle>")]
    [InlineData("codellama:7b-code", "CodeLlama", "<PRE> ctx\nint a =  <SUF>;\n <MID>")]
    public void Raw_fim_prompts_use_the_family_guessed_from_the_model_name(string model, string family, string prompt)
    {
        var guessed = FimFamilies.Guess(model);
        Assert.NotNull(guessed);
        Assert.Equal(family, guessed.Name);
        Assert.Equal(prompt, guessed.RawPrompt("ctx\nint a = ", ";\n"));
        Assert.Null(FimFamilies.Guess("llama-3-8b-instruct"));
        Assert.Same(guessed, FimFamilies.Named(family.ToLowerInvariant()));
    }

    [Fact]
    public void Qwen_raw_stops_include_the_texts_gguf_builds_may_not_stop_on()
    {
        var stops = FimFamilies.Named("Qwen2.5-Coder")!.RawStopList();
        Assert.Contains("<|endoftext|>", stops);
        Assert.Contains("<|file_sep|>", stops);
        Assert.Contains("<|fim_prefix|>", stops);
        Assert.Equal(["<EOT>", "<PRE>", "<SUF>", "<MID>"], FimFamilies.Named("CodeLlama")!.RawStopList());
    }

    [Theory]
    [InlineData("openai", "http://gpu:8000", "v1/completions", "http://gpu:8000/v1/completions")]
    [InlineData("openai", "http://gpu:8000/v1/", "v1/completions", "http://gpu:8000/v1/completions")]
    [InlineData("openai", "https://team.example/llm/v1", "v1/models", "https://team.example/llm/v1/models")]
    [InlineData("llama.cpp", "http://gpu:8080/", "infill", "http://gpu:8080/infill")]
    [InlineData("ollama", "http://gpu:11434", "api/generate", "http://gpu:11434/api/generate")]
    public void Endpoints_join_the_base_url_without_doubling_v1(string kind, string baseUrl, string path, string expected)
    {
        var options = new RemoteEngineOptions { Kind = kind, BaseUrl = new Uri(baseUrl) };
        Assert.Equal(expected, options.Endpoint(path).ToString());
    }

    [Theory]
    [InlineData("{\"error\":{\"code\":501,\"message\":\"Infill is not supported\",\"type\":\"not_supported_error\"}}", "Infill is not supported")]
    [InlineData("{\"error\":{\"message\":\"suffix is not currently supported\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}", "suffix is not currently supported")]
    [InlineData("{\"object\":\"error\",\"message\":\"old flat\",\"type\":\"BadRequestError\",\"code\":400}", "old flat")]
    [InlineData("{\"error\":\"Unauthorized\"}", "Unauthorized")]
    [InlineData("{\"error\":\"Suffix is not supported and can be achieved by preprocessing the prompt.\",\"error_type\":\"suffix not supported\"}", "Suffix is not supported and can be achieved by preprocessing the prompt.")]
    [InlineData("404 page not found", "404 page not found")]
    public void Error_bodies_of_every_engine_yield_their_message(string body, string message)
    {
        Assert.Equal(message, EngineErrors.ServerMessage(body));
    }

    [Fact]
    public void The_api_key_never_shows_in_text()
    {
        var options = new RemoteEngineOptions { Kind = EngineKinds.OpenAi, BaseUrl = new Uri("http://x"), ApiKey = new EngineApiKey("sk-secret-123") };
        Assert.DoesNotContain("sk-secret-123", options.ToString());
        var settings = new Features.AssistantSettings { EngineApiKey = new EngineApiKey("sk-secret-123") };
        Assert.DoesNotContain("sk-secret-123", settings.ToString());
    }
}
