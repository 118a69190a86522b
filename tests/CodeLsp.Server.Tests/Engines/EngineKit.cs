using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>Shared bits of the engine tests: options for a double, a typical prompt and limits.</summary>
internal static class EngineKit
{
    public static readonly Serilog.ILogger Logger = Serilog.Core.Logger.None;

    public static RemoteEngineOptions Options(string kind, Uri url, string? model = null, string? key = null, string? family = null) => new()
    {
        Kind = kind,
        BaseUrl = url,
        Model = model,
        ApiKey = key is null ? null : new EngineApiKey(key),
        ApiKeySource = key is null ? null : "TEAM_KEY",
        FimFamily = family,
    };

    public static FimPrompt Prompt { get; } = new("    public void Receive(string sku, int quantity)\n    {\n        _repository.", "\n    }\n")
    {
        Context = "// class InventoryService { void Save(StockItem item); }\n",
    };

    public static GenerationLimits Limits(int maxTokens = 32, int timeLimitMs = 3000, Func<string, bool>? stopWhen = null) =>
        new(maxTokens, TimeSpan.FromMilliseconds(timeLimitMs)) { StopWhen = stopWhen };

    public static ChatRequest Chat { get; } = new([new ChatMessage("system", "You refactor C#."), new ChatMessage("user", "Rename x to count.")])
    {
        ResponsePrefix = "```csharp\n",
        Stop = ["```"],
    };

    public static List<string> Notices(IInferenceEngine engine)
    {
        var notices = new List<string>();
        engine.Notice += m => { lock (notices) notices.Add(m); };
        return notices;
    }
}
