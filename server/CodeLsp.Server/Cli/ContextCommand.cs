using System.CommandLine;
using CodeLsp.Inference;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp context file:line:column [--json] [--budget N]</c>: the Roslyn context a completion there would carry, item by item.</summary>
internal static class ContextCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("location") { Description = "file:line:column, 1-based as compilers print them" };
        var json = new Option<bool>("--json") { Description = "Print the items, the rendered context and the windows as JSON" };
        var budget = new Option<int>("--budget") { Description = "Context budget in tokens (counted by --model's tokenizer, else 3.5 characters per token)", DefaultValueFactory = _ => 1024 };
        var model = new Option<string?>("--model") { Description = "Count tokens with this GGUF model's tokenizer, as the server does" };
        var untrusted = new Option<bool>("--untrusted") { Description = "Do not run MSBuild: read the folder's files as one ad-hoc project" };
        var command = new Command("context", "Print the semantic context for a position: items, why, and the prompt text") { location, json, budget, model, untrusted };
        command.SetAction(async (parse, ct) =>
        {
            if (!CompleteCommand.TryParseLocation(parse.GetValue(location)!, out var file, out var line, out var column, out var error))
            {
                await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 2;
            }
            var logger = CliLogging.Create();
            TokenCounter counter;
            try
            {
                counter = await TokenCounter.CreateAsync(parse.GetValue(model), logger, ct).ConfigureAwait(false);
            }
            catch (ModelLoadException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return 1;
            }
            using (counter)
            {
                var options = new ContextInspectorOptions { Budget = parse.GetValue(budget), Counter = counter.Budget, Json = parse.GetValue(json), Trusted = !parse.GetValue(untrusted) };
                return await ContextInspector.RunAsync(file, line, column, options, Console.Out, logger, ct).ConfigureAwait(false);
            }
        });
        return command;
    }
}
