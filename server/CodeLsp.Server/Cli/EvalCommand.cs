using System.CommandLine;
using CodeLsp.Features;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Server.Benchmarks;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp eval completions &lt;folder&gt;</c>: the project's published quality method (docs/evaluation.md). With
/// <c>--model</c> a local GGUF answers, with <c>--engine</c> a team's server, with neither a generated tiny model (whose
/// numbers are noise, as the output says).
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluations that print quality figures");
        command.Subcommands.Add(CreateCompletions());
        return command;
    }

    private static Command CreateCompletions()
    {
        var folder = new Argument<string>("folder") { Description = "A solution folder, restored (MSBuild loads it for the compile check)" };
        var sites = new Option<int>("--sites") { Description = "Completion sites to sample", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the site sample", DefaultValueFactory = _ => 1 };
        var model = new Option<string?>("--model") { Description = "A local GGUF code model" };
        var engine = new Option<string?>("--engine") { Description = "A team's engine: llama.cpp, ollama or openai" };
        var url = new Option<string?>("--engine-url") { Description = "The engine's base URL" };
        var engineModel = new Option<string?>("--engine-model") { Description = "The model name the engine knows" };
        var family = new Option<string?>("--engine-fim-family") { Description = $"FIM tokens for raw prompts: {FimFamilies.Names}" };
        var keyEnv = new Option<string?>("--engine-api-key-env") { Description = "Environment variable holding the engine's key" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Token cap per suggestion", DefaultValueFactory = _ => 48 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("completions", "Exact match, edit similarity, identifier recall and compile rate at seeded sites; Roslyn context and compile check on vs. off")
        {
            folder, sites, seed, model, engine, url, engineModel, family, keyEnv, maxTokens, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var logger = CliLogging.Create();
            string? temp = null;
            IInferenceEngine chosen;
            string name;
            bool noise;
            if (parse.GetValue(engine) is { } kind)
            {
                var keyName = parse.GetValue(keyEnv) ?? Settings.SettingsReader.ApiKeyEnvironmentVariable;
                var key = Environment.GetEnvironmentVariable(keyName);
                var (options, problem) = RemoteEngineSettings.From(new AssistantSettings
                {
                    Engine = kind, EngineUrl = parse.GetValue(url), EngineModel = parse.GetValue(engineModel), EngineFimFamily = parse.GetValue(family),
                    EngineApiKeyEnv = keyName, EngineApiKey = string.IsNullOrEmpty(key) ? null : new EngineApiKey(key),
                });
                if (options is null)
                {
                    await Console.Error.WriteLineAsync(problem ?? $"--engine must be one of {string.Join(", ", RemoteEngineSettings.Kinds)}").ConfigureAwait(false);
                    return 2;
                }
                var remote = RemoteEngines.Create(options, logger);
                var probe = await remote.ConnectAsync(ct).ConfigureAwait(false);
                if (probe.Warning is { } warning) await Console.Error.WriteLineAsync(warning).ConfigureAwait(false);
                chosen = remote;
                name = $"{kind} at {options.BaseUrl}, model {probe.ModelName}";
                noise = false;
            }
            else
            {
                var path = parse.GetValue(model);
                if (path is null)
                {
                    temp = Directory.CreateTempSubdirectory("codelsp-eval-").FullName;
                    path = Path.Combine(temp, "tiny-64x2.gguf");
                    TinyModel.Write(path, new TinyModelOptions { ContextLength = 4096 });
                }
                var host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = Path.GetFullPath(path), ContextSize = 4096 }, null, ct, logger).ConfigureAwait(false);
                chosen = new LocalEngine(host);
                name = $"local {host.Description.Name} ({host.Description.ParameterCount / 1e6:F1}M parameters, {path})";
                noise = temp is not null || host.Description.ParameterCount < 100_000_000;
            }
            try
            {
                await new CompletionEvaluation(Console.Out, logger).RunAsync(Path.GetFullPath(parse.GetValue(folder)!), chosen, name, noise,
                    new CompletionEvaluationOptions { Sites = parse.GetValue(sites), Seed = parse.GetValue(seed), MaxTokens = parse.GetValue(maxTokens) },
                    parse.GetValue(json), ct).ConfigureAwait(false);
                return 0;
            }
            finally
            {
                chosen.Dispose();
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
        });
        return command;
    }
}
