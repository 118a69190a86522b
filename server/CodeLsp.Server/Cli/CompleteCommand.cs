using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Documents;
using Serilog;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp complete file:line:column</c>: one completion from the command line through the same pipeline the
/// server uses, with the time split of every stage, so any speed claim can be checked without an editor.
/// </summary>
internal static class CompleteCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("location") { Description = "file:line:column, 1-based as compilers print them" };
        var model = new Option<string?>("--model") { Description = "GGUF model file (default: $CODELSP_MODEL)" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate", DefaultValueFactory = _ => 64 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all cores)" };
        var json = new Option<bool>("--json") { Description = "Print the suggestion and the time split as JSON" };
        var workspace = new Option<string?>("--workspace") { Description = "Load the solution or projects in this folder for Roslyn context (default: the file alone)" };
        var command = new Command("complete", "Print one inline completion at a position in a file") { location, model, maxTokens, threads, json, workspace };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(location)!, parse.GetValue(model), parse.GetValue(maxTokens), parse.GetValue(threads), parse.GetValue(json), parse.GetValue(workspace), ct));
        return command;
    }

    private static async Task<int> RunAsync(string location, string? modelPath, int maxTokens, int? threads, bool json, string? workspaceFolder, CancellationToken ct)
    {
        var logger = CliLogging.Create();
        if (!TryParseLocation(location, out var file, out var line, out var column, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 2;
        }
        modelPath ??= Environment.GetEnvironmentVariable("CODELSP_MODEL");
        if (string.IsNullOrWhiteSpace(modelPath))
        {
            await Console.Error.WriteLineAsync("No model: pass --model PATH or set CODELSP_MODEL. `codelsp model tiny tiny.gguf` writes a small test model (its output is noise).").ConfigureAwait(false);
            return 2;
        }
        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"No such file: {file}").ConfigureAwait(false);
            return 2;
        }

        var total = Stopwatch.StartNew();
        var store = new DocumentStore();
        var uri = new Uri(Path.GetFullPath(file));
        var document = store.Open(uri, "csharp", 1, await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
        var offset = DocumentStore.ToOffset(document.Text, new Microsoft.CodeAnalysis.Text.LinePosition(line - 1, column - 1));

        ModelHost host;
        try
        {
            host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = Assistant.ExpandPath(modelPath)!, Threads = threads }, null, ct, logger).ConfigureAwait(false);
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        using var workspace = new WorkspaceHost(logger);
        var workspaceClock = Stopwatch.StartNew();
        if (workspaceFolder is not null) await workspace.LoadAsync(Path.GetFullPath(workspaceFolder), trusted: true, null, ct).ConfigureAwait(false);
        var workspaceMs = workspaceClock.Elapsed.TotalMilliseconds;
        using (host)
        {
            var settings = new AssistantSettings { MaxTokens = maxTokens };
            // One shot: wait for the context however long the first build on a cold compilation takes.
            var options = Assistant.PipelineOptionsFrom(settings) with { ContextWait = TimeSpan.FromSeconds(30) };
            var pipeline = new InlineCompletionPipeline(new LocalEngine(host), options, logger, workspace: workspace);
            CompletionTrace? trace = null;
            pipeline.Completed += (_, t) => trace = t;
            var suggestions = await pipeline.CompleteAsync(new InlineCompletionQuery(document, offset, CompletionTrigger.Invoked), ct).ConfigureAwait(false);
            total.Stop();
            var text = suggestions.Count > 0 ? suggestions[0].InsertText : "";
            var fim = trace?.Model;
            if (json)
            {
                var report = new
                {
                    suggestion = text,
                    model = host.Description.Name,
                    outcome = trace?.Outcome,
                    multiLine = trace?.MultiLine,
                    rawText = fim?.Text,
                    stopReason = fim?.StopReason.ToString(),
                    loadMs = host.Description.LoadTime.TotalMilliseconds,
                    workspaceMs,
                    contextChars = trace?.Prompt?.Context?.Length ?? 0,
                    compileCheck = trace?.CompileCheck is { } verdict ? (verdict.Valid ? "passed" : "rejected: " + string.Join("; ", verdict.NewErrors)) : "not run",
                    promptTokens = fim?.PromptTokens,
                    reusedPromptTokens = fim?.ReusedPromptTokens,
                    promptMs = fim?.PromptTime.TotalMilliseconds,
                    generatedTokens = fim?.GeneratedTokens,
                    generationMs = fim?.GenerationTime.TotalMilliseconds,
                    completionMs = trace?.Total.TotalMilliseconds,
                    totalMs = total.Elapsed.TotalMilliseconds,
                };
                Console.Out.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                Console.Out.WriteLine(text);
                if (fim is not null)
                {
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"[{host.Description.Name}] load {host.Description.LoadTime.TotalMilliseconds:F0} ms, prompt {fim.PromptTokens} tok in {fim.PromptTime.TotalMilliseconds:F1} ms, generated {fim.GeneratedTokens} tok in {fim.GenerationTime.TotalMilliseconds:F1} ms ({fim.StopReason}), total {total.Elapsed.TotalMilliseconds:F0} ms")).ConfigureAwait(false);
                }
            }
            return 0;
        }
    }

    /// <summary>Splits "path:line:column" from the right, so Windows drive letters survive.</summary>
    internal static bool TryParseLocation(string location, out string file, out int line, out int column, out string error)
    {
        file = ""; line = column = 0; error = "";
        var parts = location.Split(':');
        if (parts.Length < 3 ||
            !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out line) ||
            !int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out column) ||
            line < 1 || column < 1)
        {
            error = $"Expected file:line:column with 1-based numbers, got '{location}'.";
            return false;
        }
        file = string.Join(':', parts[..^2]);
        return true;
    }
}
