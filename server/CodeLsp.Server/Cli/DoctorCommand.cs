using System.CommandLine;
using System.Runtime.InteropServices;
using CodeLsp.Features;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Inference.Engines.Remote;
using CodeLsp.Server.Cli.Doctor;
using CodeLsp.Server.Settings;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp doctor [--model PATH] [--workspace DIR] [--engine KIND --engine-url URL [--engine-model M]]</c>: checks, in order, everything a new user can
/// get wrong — .NET runtime, model file, native backend and CPU features (a real load and a few tokens), workspace
/// loading, the engine — and prints the fix for each problem. Exit code 1 when a check failed.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model to check (default: $CODELSP_MODEL; without one the backend is tried on a generated tiny model)" };
        var workspace = new Option<string?>("--workspace") { Description = "Folder whose solution or projects to check (default: the current folder)" };
        var engine = new Option<string>("--engine") { Description = $"The engine setting to check: {string.Join(", ", RemoteEngineSettings.Kinds)}", DefaultValueFactory = _ => EngineKinds.Local };
        var engineUrl = new Option<string?>("--engine-url") { Description = "A remote engine's base URL (the engineUrl setting)" };
        var engineModel = new Option<string?>("--engine-model") { Description = "The model the remote engine should serve (the engineModel setting)" };
        var command = new Command("doctor", "Check the set-up in order — .NET, model, native backend and CPU, workspace, engine — with the fix for each problem")
        {
            model, workspace, engine, engineUrl, engineModel,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(model) ?? Environment.GetEnvironmentVariable("CODELSP_MODEL");
            path = string.IsNullOrWhiteSpace(path) ? null : path;
            var checks = new List<DoctorCheck>
            {
                DoctorChecks.Runtime(Environment.Version, RuntimeInformation.FrameworkDescription + " on " + RuntimeInformation.RuntimeIdentifier),
            };
            Print(checks[^1]);
            var modelCheck = DoctorChecks.ModelFile(path);
            checks.Add(modelCheck);
            Print(modelCheck);
            // A model that cannot be read is not loaded; the backend is then tried on a generated tiny model.
            var report = await InferenceDoctor.RunAsync(modelCheck.Status == CheckStatus.Failed ? null : path, CliLogging.Create(), ct).ConfigureAwait(false);
            checks.Add(DoctorChecks.Backend(report));
            Print(checks[^1]);
            checks.Add(DoctorChecks.Workspace(Path.GetFullPath(parse.GetValue(workspace) ?? Environment.CurrentDirectory), DoctorChecks.InstalledSdks()));
            Print(checks[^1]);
            var key = Environment.GetEnvironmentVariable(SettingsReader.ApiKeyEnvironmentVariable);
            var settings = new AssistantSettings
            {
                Engine = parse.GetValue(engine)!,
                EngineUrl = parse.GetValue(engineUrl),
                EngineModel = parse.GetValue(engineModel),
                EngineApiKey = string.IsNullOrWhiteSpace(key) ? null : new EngineApiKey(key.Trim()),
                EngineApiKeyEnv = string.IsNullOrWhiteSpace(key) ? null : SettingsReader.ApiKeyEnvironmentVariable,
            };
            checks.Add(await DoctorChecks.EngineAsync(settings, CliLogging.Create(), ct).ConfigureAwait(false));
            Print(checks[^1]);
            var failed = checks.Count(c => c.Status == CheckStatus.Failed);
            Console.WriteLine(failed == 0 ? "All checks passed (warnings above say what is still worth doing)." : $"{failed} check(s) failed: see the fixes above.");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    private static void Print(DoctorCheck check)
    {
        foreach (var line in check.Describe())
        {
            Console.WriteLine(line);
        }
    }
}
