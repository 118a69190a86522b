using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Workspace.Context;

public sealed record ContextInspectorOptions
{
    public int Budget { get; init; } = 1024;

    /// <summary>The token counter: the model's tokenizer when a model is given, else the 3.5-characters estimate.</summary>
    public Func<int, ContextBudget> Counter { get; init; } = ContextBudget.Estimated;
    public bool Json { get; init; }
    public bool Trusted { get; init; } = true;
    public int PrefixLines { get; init; } = ContextRequest.DefaultPrefixLines;
    public int SuffixLines { get; init; } = ContextRequest.DefaultSuffixLines;
}

/// <summary>
/// What <c>codelsp context file:line:column</c> prints: loads the solution around the file, builds the context for
/// the position exactly as a completion request would, and shows every candidate item (taken or not, with its
/// score, source and reason), the rendered context, and the prompt text around the caret.
/// </summary>
public static class ContextInspector
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="line">1-based.</param>
    /// <param name="column">1-based, in UTF-16 code units.</param>
    public static async Task<int> RunAsync(string file, int line, int column, ContextInspectorOptions options, TextWriter output, ILogger logger, CancellationToken ct)
    {
        file = Path.GetFullPath(file);
        if (!File.Exists(file))
        {
            await output.WriteLineAsync($"No such file: {file}").ConfigureAwait(false);
            return 2;
        }
        var folder = FindWorkspaceFolder(file);
        using var host = new WorkspaceHost(logger);
        await host.LoadAsync(folder, options.Trusted, progress: null, ct).ConfigureAwait(false);

        var text = SourceText.From(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
        var offset = DocumentStore.ToOffset(text, new LinePosition(line - 1, column - 1));
        var document = host.GetDocument(new Uri(file), text);
        var visible = ContextRequest.WindowAround(text, offset, options.PrefixLines, options.SuffixLines);
        var builder = new SemanticContextBuilder(host.RecentDocuments);
        var clock = Stopwatch.StartNew();
        var budget = options.Counter(options.Budget);
        var context = await builder.BuildAsync(document, offset, budget, new ContextRequest(visible), ct).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var prefix = text.ToString(TextSpan.FromBounds(visible.Start, offset));
        var suffix = text.ToString(TextSpan.FromBounds(offset, visible.End));

        if (options.Json)
        {
            var report = new
            {
                workspace = new { status = host.State.Status.ToString(), mode = host.State.Mode.ToString(), projects = host.State.ProjectCount, documents = host.State.DocumentCount, loadMs = host.State.Elapsed.TotalMilliseconds, message = host.State.UserMessage },
                file, line, column, project = document.Project.Name,
                budget = options.Budget, tokenizer = budget.Tokenizer, tokens = context.Tokens, buildMs = elapsed.TotalMilliseconds,
                items = context.Items.Select(i => new
                {
                    i.Kind, i.Text, i.Group, i.SourceFile,
                    sourceLine = Line(i.SourceFile, i.SourceSpan, host),
                    i.Why, i.Score, i.Included,
                }),
                rendered = context.Rendered, prefix, suffix,
            };
            await output.WriteLineAsync(JsonSerializer.Serialize(report, JsonOptions)).ConfigureAwait(false);
            return 0;
        }

        var text2 = new StringBuilder();
        text2.AppendLine(CultureInfo.InvariantCulture, $"Workspace: {host.State}");
        text2.AppendLine(CultureInfo.InvariantCulture,
            $"Context for {file}:{line}:{column} in {document.Project.Name}: {context.Items.Count(i => i.Included)} of {context.Items.Count} items, {context.Tokens} of {options.Budget} tokens ({budget.Tokenizer}), built in {elapsed.TotalMilliseconds:F1} ms");
        text2.AppendLine();
        text2.AppendLine("Items, best first (+ taken, ~ listed by name only, - left out):");
        foreach (var item in context.Items.OrderByDescending(i => i.Score))
        {
            var source = item.SourceFile is null ? "" : $"  [{Path.GetFileName(item.SourceFile)}{(Line(item.SourceFile, item.SourceSpan, host) is { } l ? $":{l}" : "")}]";
            var shown = item.Text.Split('\n')[0];
            if (shown.Length > 100) shown = shown[..97] + "...";
            text2.AppendLine(CultureInfo.InvariantCulture, $"  {(item.Compact ? '~' : item.Included ? '+' : '-')} {item.Score,5:F3} {item.Kind,-16} {shown}");
            text2.AppendLine(CultureInfo.InvariantCulture, $"{"",26}why: {item.Why}{source}");
        }
        text2.AppendLine();
        text2.AppendLine("Prompt text (the context, then the prefix window; <|cursor|> marks the caret, the suffix window follows):");
        text2.AppendLine("-----");
        text2.Append(context.Rendered).Append(prefix).Append("<|cursor|>").Append(suffix);
        text2.AppendLine();
        text2.AppendLine("-----");
        await output.WriteAsync(text2.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static int? Line(string? file, TextSpan? span, WorkspaceHost host)
    {
        if (file is null || span is not { } s) return null;
        var id = host.CurrentSolution.GetDocumentIdsWithFilePath(file).FirstOrDefault();
        if (id is null || host.CurrentSolution.GetDocument(id) is not { } document || !document.TryGetText(out var text)) return null;
        return s.Start <= text.Length ? text.Lines.GetLineFromPosition(s.Start).LineNumber + 1 : null;
    }

    /// <summary>The folder to load: the nearest one above the file with a solution file, else with a project file, else the file's own.</summary>
    public static string FindWorkspaceFolder(string file)
    {
        string? projectFolder = null;
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(file)!); directory is not null; directory = directory.Parent)
        {
            var files = directory.EnumerateFiles().Select(f => f.Name).ToList();
            if (files.Any(f => f.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)))
                return directory.FullName;
            if (projectFolder is null && files.Any(f => f.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))) projectFolder = directory.FullName;
            if (Directory.Exists(Path.Combine(directory.FullName, ".git"))) break;
        }
        return projectFolder ?? Path.GetDirectoryName(file)!;
    }
}
