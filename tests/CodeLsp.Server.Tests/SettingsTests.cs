using System.Text.Json;
using CodeLsp.Protocol;
using CodeLsp.Server.Settings;
using CodeLsp.Server.Tests.Infrastructure;
using Serilog.Events;

namespace CodeLsp.Server.Tests;

public sealed class SettingsTests
{
    public sealed record Case(string Name, string? InitializationOptions, string? Configuration, string? EnvironmentModel,
        string? ModelPath, bool Enabled = true, int MaxTokens = 64, int ContextSize = 4096, int? Threads = null,
        LogEventLevel? LogLevel = null, int Warnings = 0, bool ConstrainedDecoding = true)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("nothing set", null, null, null, ModelPath: null),
        new("initializationOptions at the top", """{ "modelPath": "/m/a.gguf", "maxTokens": 32, "threads": 4, "logLevel": "debug" }""", null, null,
            ModelPath: "/m/a.gguf", MaxTokens: 32, Threads: 4, LogLevel: LogEventLevel.Debug),
        new("initializationOptions nested under codelsp", """{ "codelsp": { "modelPath": "/m/b.gguf", "enable": false, "contextSize": 2048 } }""", null, null,
            ModelPath: "/m/b.gguf", Enabled: false, ContextSize: 2048),
        new("didChangeConfiguration wins over initializationOptions", """{ "modelPath": "/m/a.gguf", "maxTokens": 32 }""",
            """{ "codelsp": { "modelPath": "/m/c.gguf", "server": { "logLevel": "warning", "threads": 2 } } }""", null,
            ModelPath: "/m/c.gguf", MaxTokens: 32, Threads: 2, LogLevel: LogEventLevel.Warning),
        new("environment is the fallback for modelPath", """{ "maxTokens": 16 }""", null, "/env/model.gguf",
            ModelPath: "/env/model.gguf", MaxTokens: 16),
        new("an explicit modelPath beats the environment", null, """{ "codelsp": { "modelPath": "/m/d.gguf" } }""", "/env/model.gguf",
            ModelPath: "/m/d.gguf"),
        new("an empty modelPath falls back to the environment", """{ "modelPath": "" }""", null, "/env/model.gguf", ModelPath: "/env/model.gguf"),
        new("invalid values warn and keep the earlier value",
            """{ "maxTokens": 32, "threads": 4 }""",
            """{ "codelsp": { "maxTokens": "lots", "threads": -1, "contextSize": 3.5, "enable": "yes", "modelPath": 7, "logLevel": "loud" } }""", null,
            ModelPath: null, MaxTokens: 32, Threads: 4, Warnings: 6),
        new("unknown keys and nulls are ignored", """{ "colour": "blue", "maxTokens": null }""", null, null, ModelPath: null),
        new("settings without the codelsp wrapper are read as the section", null, """{ "modelPath": "/m/e.gguf" }""", null, ModelPath: "/m/e.gguf"),
        new("constrained decoding can be turned off", null, """{ "codelsp": { "constrainedDecoding": false } }""", null, ModelPath: null, ConstrainedDecoding: false),
        new("constrained decoding must be a boolean", null, """{ "codelsp": { "constrainedDecoding": "no" } }""", null, ModelPath: null, Warnings: 1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge(Case @case)
    {
        var sources = new ClientSettingsSources(Parse(@case.InitializationOptions), Parse(@case.Configuration));

        var (settings, warnings) = SettingsReader.Read(sources, name => name == "CODELSP_MODEL" ? @case.EnvironmentModel : null);

        Assert.Equal(@case.ModelPath, settings.Assistant.ModelPath);
        Assert.Equal(@case.Enabled, settings.Assistant.Enabled);
        Assert.Equal(@case.MaxTokens, settings.Assistant.MaxTokens);
        Assert.Equal(@case.ContextSize, settings.Assistant.ContextSize);
        Assert.Equal(@case.Threads, settings.Assistant.Threads);
        Assert.Equal(@case.LogLevel, settings.LogLevel);
        Assert.Equal(@case.Warnings, warnings.Count);
        Assert.Equal(@case.ConstrainedDecoding, settings.Assistant.ConstrainedDecoding);
    }

    [Theory]
    [InlineData("""{ "targetFramework": "net8.0" }""", "net8.0", false, 0)]
    [InlineData("""{ "targetFramework": " ", "loadAllTargetFrameworks": true }""", null, true, 0)]
    [InlineData("""{ "targetFramework": 8, "loadAllTargetFrameworks": "yes" }""", null, false, 2)]
    public void Target_framework_settings(string options, string? targetFramework, bool all, int warnings)
    {
        var (settings, problems) = SettingsReader.Read(new ClientSettingsSources(Parse(options), null), _ => null);
        Assert.Equal(targetFramework, settings.Assistant.TargetFramework);
        Assert.Equal(all, settings.Assistant.LoadAllTargetFrameworks);
        Assert.Equal(warnings, problems.Count);
    }

    [Fact]
    public async Task Server_AppliesSettingsOnInitializeAndOnEveryChange_AndChangesTheLogLevel()
    {
        await using var server = InProcessServer.Start();
        await server.Client.InitializeAndInitializedAsync(new InitializeParams
        {
            InitializationOptions = Parse("""{ "codelsp": { "modelPath": "/m/first.gguf", "maxTokens": 20 } }"""),
        });

        await server.Client.NotifyAsync(Methods.WorkspaceDidChangeConfiguration, new DidChangeConfigurationParams
        {
            Settings = Parse("""{ "codelsp": { "modelPath": "/m/second.gguf", "server": { "logLevel": "debug" } } }"""),
        });
        await server.Client.NotifyAsync(Methods.WorkspaceDidChangeConfiguration, new DidChangeConfigurationParams
        {
            Settings = Parse("""{ "codelsp": { "maxTokens": "many" } }"""),
        });
        await server.Client.CompleteAsync("file:///none.cs", new Position(0, 0)); // a read after the mutations: they are applied

        var applied = server.Assistant.AppliedSettings.ToArray();
        Assert.Equal(3, applied.Length);
        Assert.Equal(("/m/first.gguf", 20), (applied[0].ModelPath, applied[0].MaxTokens));
        Assert.Equal(("/m/second.gguf", 20), (applied[1].ModelPath, applied[1].MaxTokens));
        // The new section replaces the previous one, so modelPath falls back to initializationOptions; the bad value is ignored.
        Assert.Equal(("/m/first.gguf", 20), (applied[2].ModelPath, applied[2].MaxTokens));
        // The last section has no logLevel: back to the level the server started with.
        Assert.Equal(LogEventLevel.Information, server.LevelSwitch.MinimumLevel);
        Assert.Contains(server.Log.Events, e => e.Level == LogEventLevel.Debug); // debug events were let through while it was set
        Assert.Contains(server.Log.Messages(LogEventLevel.Warning), m => m.Contains("codelsp.maxTokens must be a whole number"));
    }

    [Fact]
    public async Task DisabledAssistant_AnswersEmptyWithoutAsking()
    {
        await using var server = InProcessServer.Start();
        await server.Client.InitializeAndInitializedAsync(new InitializeParams { InitializationOptions = Parse("""{ "enable": false }""") });
        await server.Client.OpenAsync("file:///w/a.cs", "x");

        var list = await server.Client.CompleteAsync("file:///w/a.cs", new Position(0, 1));

        Assert.Empty(list.Items);
        Assert.Empty(server.Assistant.Queries);
    }

    [Fact]
    public async Task AssistantRejectingSettings_DoesNotFailInitialize()
    {
        var assistant = new FakeAssistant { ApplySettingsFailure = new ArgumentException("threads out of range") };
        await using var server = InProcessServer.Start(assistant);

        var result = await server.Client.InitializeAsync();

        Assert.Equal("codelsp", result.ServerInfo!.Name);
        Assert.Contains(server.Log.Events, e => e.Level == LogEventLevel.Error && e.Exception is ArgumentException);
    }

    private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
