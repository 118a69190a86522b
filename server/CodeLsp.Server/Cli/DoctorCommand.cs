using System.CommandLine;
using CodeLsp.Inference;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp doctor</c>: loads a model, generates a few tokens, and says how the native backend does — or what failed.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "GGUF model to try (default: $CODELSP_MODEL, else a generated tiny model)" };
        var command = new Command("doctor", "Check that models load and run here: native backend, CPU features, load time, tokens/s") { model };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(model) ?? Environment.GetEnvironmentVariable("CODELSP_MODEL");
            var report = await InferenceDoctor.RunAsync(string.IsNullOrWhiteSpace(path) ? null : path, CliLogging.Create(), ct).ConfigureAwait(false);
            foreach (var line in report.Describe()) Console.WriteLine(line);
            return report.Succeeded ? 0 : 1;
        });
        return command;
    }
}
