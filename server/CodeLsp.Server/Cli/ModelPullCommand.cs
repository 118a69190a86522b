using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CodeLsp.Inference.Models;
using Spectre.Console;

namespace CodeLsp.Server.Cli;

/// <summary>
/// <c>codelsp model pull NAME|URL [--sha256 HEX] [--dir DIR] [--file-name F] [--json-progress]</c>: downloads a model
/// with <see cref="ModelDownloader"/> — a progress bar on stderr, or one JSON object per line on stdout for the editor
/// (<c>progress</c>, <c>notice</c>, <c>done</c>, <c>error</c>). Ctrl+C keeps the partial file; the same command resumes.
/// Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted.
/// </summary>
internal static class ModelPullCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A catalog name (`codelsp model list`) or the http(s) URL of a .gguf file" };
        var sha = new Option<string?>("--sha256") { Description = "The sha256 the file must have (default: the catalog's)" };
        var dir = new Option<string?>("--dir") { Description = "Models folder (default: $CODELSP_MODELS_DIR, else the platform's data folder)" };
        var fileName = new Option<string?>("--file-name") { Description = "Name of the file in the models folder (default: the catalog's, or the URL's last segment)" };
        var json = new Option<bool>("--json-progress") { Description = "Write progress as JSON lines on stdout (for editors)" };
        var command = new Command("pull", "Download a model into the models folder: resumable, verified by sha256, renamed into place only when complete")
        {
            model, sha, dir, fileName, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.GetValue(json) ? (IPullOutput)new JsonPullOutput() : new ConsolePullOutput();
            PullTarget target;
            try
            {
                var folder = parse.GetValue(dir) is { } d ? Path.GetFullPath(d) : ModelsFolder.Resolve();
                target = PullTarget.Resolve(parse.GetValue(model)!, folder, ModelCatalog.BuiltIn, parse.GetValue(sha), parse.GetValue(fileName));
            }
            catch (ArgumentException ex)
            {
                output.Error("usage", ex.Message, resumable: false);
                return 2;
            }
            foreach (var warning in target.Warnings)
            {
                output.Notice(warning);
            }

            using var http = ModelDownloader.CreateDefaultClient();
            var downloader = new ModelDownloader(http);
            // Ctrl+C (or the editor's cancel, a SIGINT) ends the pull in an orderly way: the partial file is flushed and
            // kept, and the message says how to resume. Without this the runtime's default handling ends the process first.
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                interrupted.Cancel();
            });
            try
            {
                var result = await output.RunAsync(target.Request, (progress, ct2) =>
                    downloader.DownloadAsync(target.Request, progress, n => output.Notice(n.Message), ct2), interrupted.Token).ConfigureAwait(false);
                output.Done(result);
                return 0;
            }
            catch (ModelDownloadException ex)
            {
                output.Error(ex.Failure.ToString(), ex.Resumable ? ex.Message + " Run the same command again to resume." : ex.Message, ex.Resumable);
                return 1;
            }
            catch (OperationCanceledException)
            {
                var have = File.Exists(target.Request.PartialPath) ? new FileInfo(target.Request.PartialPath).Length : 0;
                output.Error("cancelled", $"Interrupted with {ModelDownloader.Mib(have)} downloaded (kept in {target.Request.PartialPath}); run the same command again to resume.", resumable: true);
                return 130;
            }
        });
        return command;
    }

    private interface IPullOutput
    {
        Task<ModelDownloadResult> RunAsync(ModelDownloadRequest request, Func<IProgress<DownloadProgress>, CancellationToken, Task<ModelDownloadResult>> pull, CancellationToken ct);
        void Notice(string message);
        void Done(ModelDownloadResult result);
        void Error(string kind, string message, bool resumable);
    }

    /// <summary>A live progress bar (size, speed, ETA) on stderr, so stdout stays clean.</summary>
    private sealed class ConsolePullOutput : IPullOutput
    {
        private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

        public Task<ModelDownloadResult> RunAsync(ModelDownloadRequest request, Func<IProgress<DownloadProgress>, CancellationToken, Task<ModelDownloadResult>> pull, CancellationToken ct)
        {
            _console.MarkupLine($"Pulling [bold]{Markup.Escape(request.FileName)}[/] from {Markup.Escape(request.Url.Host)} into {Markup.Escape(request.Directory)}");
            return _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(request.FileName), autoStart: true);
                    task.IsIndeterminate = true;
                    var progress = new InlineProgress(p =>
                    {
                        if (p.Total is { } total)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = total;
                        }
                        task.Value = p.Received;
                    });
                    return await pull(progress, ct).ConfigureAwait(false);
                });
        }

        public void Notice(string message) => _console.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");

        public void Done(ModelDownloadResult result)
        {
            var inv = CultureInfo.InvariantCulture;
            _console.MarkupLine(result.AlreadyPresent
                ? $"[green]Already there:[/] {Markup.Escape(result.Path)}"
                : $"[green]Done:[/] {Markup.Escape(result.Path)} ({(result.Bytes / 1048576.0).ToString("F1", inv)} MiB)");
            _console.MarkupLine(result.Verified
                ? $"sha256 {result.Sha256} [green]verified[/]"
                : $"sha256 {result.Sha256} [yellow]not verified[/] (nothing to compare with)");
            // The path on stdout, alone, so scripts can use it: MODEL=$(codelsp model pull qwen2.5-coder-1.5b)
            Console.Out.WriteLine(result.Path);
        }

        public void Error(string kind, string message, bool resumable) => _console.MarkupLine($"[red]{Markup.Escape(message)}[/]");
    }

    /// <summary>One JSON object per line on stdout; the VS Code extension reads these.</summary>
    private sealed class JsonPullOutput : IPullOutput
    {
        private readonly Lock _gate = new();

        public Task<ModelDownloadResult> RunAsync(ModelDownloadRequest request, Func<IProgress<DownloadProgress>, CancellationToken, Task<ModelDownloadResult>> pull, CancellationToken ct) =>
            pull(new InlineProgress(p => Write(new
            {
                @event = "progress",
                received = p.Received,
                total = p.Total,
                bytesPerSecond = Math.Round(p.BytesPerSecond),
                etaSeconds = p.Eta is { } eta ? Math.Round(eta.TotalSeconds) : (double?)null,
            })), ct);

        public void Notice(string message) => Write(new { @event = "notice", message });

        public void Done(ModelDownloadResult result) => Write(new
        {
            @event = "done",
            path = result.Path,
            bytes = result.Bytes,
            sha256 = result.Sha256,
            verified = result.Verified,
            alreadyPresent = result.AlreadyPresent,
            resumedFrom = result.ResumedFrom,
        });

        public void Error(string kind, string message, bool resumable) => Write(new { @event = "error", kind, message, resumable });

        private void Write(object value)
        {
            var line = JsonSerializer.Serialize(value);
            lock (_gate)
            {
                Console.Out.WriteLine(line);
                Console.Out.Flush();
            }
        }
    }

    private sealed class InlineProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
