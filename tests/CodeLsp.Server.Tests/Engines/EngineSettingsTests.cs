using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Server.Settings;

namespace CodeLsp.Server.Tests.Engines;

/// <summary>The engine* settings: read from every layer, the key only from the environment, and a message naming the setting when they cannot work.</summary>
public sealed class EngineSettingsTests
{
    public sealed record Case(string Name, string Options, IReadOnlyDictionary<string, string> Environment,
        string Engine, string? Url = null, string? Model = null, string? Family = null, string? Key = null, int Warnings = 0, string? Problem = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, string> NoEnvironment = [];

    public static TheoryData<Case> Cases => new()
    {
        new("local is the default and needs nothing", "{}", NoEnvironment, "local"),
        new("openai with everything", """{ "engine": "openai", "engineUrl": " http://gpu:8000/v1 ", "engineModel": "Qwen/Qwen2.5-Coder-7B", "engineFimFamily": "Qwen2.5-Coder" }""", NoEnvironment,
            "openai", Url: "http://gpu:8000/v1", Model: "Qwen/Qwen2.5-Coder-7B", Family: "Qwen2.5-Coder"),
        new("the key comes from the default variable", """{ "engine": "llama.cpp", "engineUrl": "http://gpu:8080" }""", new Dictionary<string, string> { ["CODELSP_ENGINE_API_KEY"] = "k1" },
            "llama.cpp", Url: "http://gpu:8080", Key: "k1"),
        new("engineApiKeyEnv names another variable", """{ "engine": "openai", "engineUrl": "http://gpu:8000", "engineApiKeyEnv": "TEAM_KEY" }""",
            new Dictionary<string, string> { ["TEAM_KEY"] = "k2", ["CODELSP_ENGINE_API_KEY"] = "other" }, "openai", Url: "http://gpu:8000", Key: "k2"),
        new("a named variable that is not set warns and sends no key", """{ "engine": "openai", "engineUrl": "http://gpu:8000", "engineApiKeyEnv": "TEAM_KEY" }""", NoEnvironment,
            "openai", Url: "http://gpu:8000", Warnings: 1),
        new("an unknown engine warns and stays local", """{ "engine": "cloud" }""", NoEnvironment, "local", Warnings: 1),
        new("a url of the wrong type warns", """{ "engine": "openai", "engineUrl": 8000 }""", NoEnvironment, "openai", Warnings: 1, Problem: "codelsp.engineUrl"),
        new("a remote engine without a url names engineUrl", """{ "engine": "openai" }""", NoEnvironment, "openai", Problem: "codelsp.engineUrl is empty"),
        new("a url that is not http names engineUrl", """{ "engine": "llama.cpp", "engineUrl": "gpu-box:8080" }""", NoEnvironment, "llama.cpp", Url: "gpu-box:8080", Problem: "not an http(s) address"),
        new("ollama needs a model name", """{ "engine": "ollama", "engineUrl": "http://gpu:11434" }""", NoEnvironment, "ollama", Url: "http://gpu:11434", Problem: "codelsp.engineModel"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Engine_settings_are_read_and_checked(Case @case)
    {
        var sources = new ClientSettingsSources(JsonDocument.Parse(@case.Options).RootElement, null);

        var (settings, warnings) = SettingsReader.Read(sources, name => @case.Environment.GetValueOrDefault(name));
        var assistant = settings.Assistant;
        var (options, problem) = RemoteEngineSettings.From(assistant);

        Assert.Equal(@case.Engine, assistant.Engine);
        Assert.Equal(@case.Url, assistant.EngineUrl);
        Assert.Equal(@case.Model, assistant.EngineModel);
        Assert.Equal(@case.Family, assistant.EngineFimFamily);
        Assert.Equal(@case.Key, assistant.EngineApiKey?.Value);
        Assert.Equal(@case.Warnings, warnings.Count);
        if (@case.Problem is null)
        {
            Assert.Null(problem);
            Assert.Equal(@case.Engine == "local", options is null);
            if (options is not null) Assert.Equal(@case.Key, options.ApiKey?.Value);
        }
        else
        {
            Assert.Null(options);
            Assert.Contains(@case.Problem, problem);
        }
        if (@case.Key is not null)
        {
            Assert.DoesNotContain(@case.Key, assistant.ToString());
            Assert.DoesNotContain(@case.Key, string.Join(" ", warnings));
        }
    }
}
