using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeLsp.Features;
using CodeLsp.Features.Actions;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp act file:line:column action</c>: runs one AI action through the server's own runner and prints the prompt's
/// size, the time split (prompt, generation, validation), each gate's verdict per attempt, and the diff. Writes nothing.
/// </summary>
internal static class ActCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("location") { Description = "file:line:column, 1-based as compilers print them" };
        var action = new Argument<string>("action") { Description = $"One of {string.Join(", ", AiActionNames.All)}" };
        var model = new Option<string?>("--model") { Description = "GGUF model file (default: $CODELSP_MODEL)" };
        var workspace = new Option<string?>("--workspace") { Description = "Load the solution or projects in this folder (needed for tests: the test project)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per answer", DefaultValueFactory = _ => 1024 };
        var diagnostic = new Option<string?>("--diagnostic") { Description = "For fix: the diagnostic id (default: the first error at the position)" };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON" };
        var command = new Command("act", "Run one AI action at a position and print the prompt size, time split, every gate's verdict and the diff (writes nothing)")
        {
            location, action, model, workspace, threads, maxTokens, diagnostic, json,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(location)!, parse.GetValue(action)!, parse.GetValue(model), parse.GetValue(workspace),
            parse.GetValue(threads), parse.GetValue(maxTokens), parse.GetValue(diagnostic), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string location, string actionName, string? modelPath, string? workspaceFolder, int? threads, int maxTokens,
        string? diagnosticId, bool json, CancellationToken ct)
    {
        var logger = CliLogging.Create();
        if (!CompleteCommand.TryParseLocation(location, out var file, out var line, out var column, out var error))
        {
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 2;
        }

        if (AiActionNames.Parse(actionName) is not { } kind)
        {
            await Console.Error.WriteLineAsync($"Unknown action '{actionName}': use one of {string.Join(", ", AiActionNames.All)}.").ConfigureAwait(false);
            return 2;
        }

        modelPath ??= Environment.GetEnvironmentVariable("CODELSP_MODEL");
        if (string.IsNullOrWhiteSpace(modelPath) || !File.Exists(file))
        {
            await Console.Error.WriteLineAsync(!File.Exists(file) ? $"No such file: {file}" : "No model: pass --model PATH or set CODELSP_MODEL.").ConfigureAwait(false);
            return 2;
        }

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

        using var engine = new LocalEngine(host);
        using var workspace = new WorkspaceHost(logger);
        if (workspaceFolder is not null) await workspace.LoadAsync(Path.GetFullPath(workspaceFolder), trusted: true, null, ct).ConfigureAwait(false);
        var uri = new Uri(Path.GetFullPath(file));
        var text = SourceText.From(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
        var document = workspace.GetDocument(uri, text);
        var at = new LinePosition(line - 1, column - 1);
        var arguments = new AiActionArguments(kind, uri, 1, new LinePositionSpan(at, at)) { DiagnosticId = diagnosticId };
        var outcome = await new AiActionRunner(logger, new ActionOptions { MaxTokens = maxTokens }).RunAsync(engine, document, arguments, null, ct).ConfigureAwait(false);

        var diff = outcome.Accepted ? Diff(text, outcome.Edits) : "";
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                action = AiActionNames.Name(kind),
                model = engine.Info.ModelName,
                chat = engine.Info.SupportsChat,
                accepted = outcome.Accepted,
                refusal = outcome.Refusal,
                attempts = outcome.Attempts.Select(a => new
                {
                    promptTokens = a.PromptTokens,
                    promptMs = a.PromptTime.TotalMilliseconds,
                    generatedTokens = a.GeneratedTokens,
                    generationMs = a.GenerationTime.TotalMilliseconds,
                    validationMs = a.ValidationTime.TotalMilliseconds,
                    gates = a.Gates.Select(g => new { gate = g.Gate, passed = g.Passed, detail = g.Detail }),
                    answer = a.Answer,
                }),
                diff,
                fallback = outcome.FallbackTitle,
                totalMs = outcome.Total.TotalMilliseconds,
            }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return outcome.Accepted ? 0 : 3;
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{AiActionRunner.Title(kind)} at {file}:{line}:{column} with {engine.Info.ModelName} ({(engine.Info.SupportsChat ? "chat" : "fill-in-the-middle")})");
        for (var i = 0; i < outcome.Attempts.Count; i++)
        {
            var a = outcome.Attempts[i];
            report.AppendLine(CultureInfo.InvariantCulture,
                $"attempt {i + 1}: prompt {a.PromptTokens} tok in {a.PromptTime.TotalMilliseconds:F0} ms, generated {a.GeneratedTokens} tok in {a.GenerationTime.TotalMilliseconds:F0} ms, validation {a.ValidationTime.TotalMilliseconds:F0} ms");
            foreach (var gate in a.Gates) report.AppendLine(CultureInfo.InvariantCulture, $"  {(gate.Passed ? "pass" : "FAIL")}  {gate.Gate}: {gate.Detail}");
        }

        report.AppendLine(outcome.Accepted ? "accepted; diff (not written):" : $"refused: {outcome.Refusal}");
        if (outcome.FallbackTitle is { } fallback) report.AppendLine(CultureInfo.InvariantCulture, $"fallback offered: {fallback}");
        report.Append(diff);
        report.AppendLine(CultureInfo.InvariantCulture, $"total {outcome.Total.TotalMilliseconds:F0} ms");
        Console.Out.Write(report.ToString());
        return outcome.Accepted ? 0 : 3;
    }

    /// <summary>The changed lines of each file edit, as -/+ lines (new files in full).</summary>
    internal static string Diff(SourceText before, IReadOnlyList<FileEdit> edits)
    {
        var diff = new StringBuilder();
        foreach (var edit in edits)
        {
            diff.AppendLine(CultureInfo.InvariantCulture, $"--- {edit.Uri.LocalPath}{(edit.IsNewFile ? " (new file)" : "")}");
            var old = edit.IsNewFile ? SourceText.From("") : before;
            var after = old.WithChanges(edit.Edits.Select(e => new TextChange(old.Lines.GetTextSpan(e.Range), e.NewText)));
            var a = old.Lines.Select(l => l.ToString()).ToList();
            var b = after.Lines.Select(l => l.ToString()).ToList();
            var head = 0;
            while (head < a.Count && head < b.Count && a[head] == b[head]) head++;
            var tail = 0;
            while (tail < a.Count - head && tail < b.Count - head && a[^(tail + 1)] == b[^(tail + 1)]) tail++;
            diff.AppendLine(CultureInfo.InvariantCulture, $"@@ line {head + 1}");
            foreach (var removed in a.Skip(head).Take(a.Count - head - tail)) diff.Append("- ").AppendLine(removed);
            foreach (var added in b.Skip(head).Take(b.Count - head - tail)) diff.Append("+ ").AppendLine(added);
        }

        return diff.ToString();
    }
}
