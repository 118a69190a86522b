using System.CommandLine;
using CodeLsp.Workspace.Context;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp context file:line:column [--json] [--budget N]</c>: the Roslyn context a completion there would carry, item by item.</summary>
internal static class ContextCommand
{
    public static Command Create()
    {
        var location = new Argument<string>("location") { Description = "file:line:column, 1-based as compilers print them" };
        var json = new Option<bool>("--json") { Description = "Print the items, the rendered context and the windows as JSON" };
        var budget = new Option<int>("--budget") { Description = "Context budget in tokens (4 characters per token)", DefaultValueFactory = _ => 1024 };
        var untrusted = new Option<bool>("--untrusted") { Description = "Do not run MSBuild: read the folder's files as one ad-hoc project" };
        var command = new Command("context", "Print the semantic context for a position: items, why, and the prompt text") { location, json, budget, untrusted };
        command.SetAction(async (parse, ct) =>
        {
            if (!CompleteCommand.TryParseLocation(parse.GetValue(location)!, out var file, out var line, out var column, out var error))
            {
                await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 2;
            }
            var options = new ContextInspectorOptions { Budget = parse.GetValue(budget), Json = parse.GetValue(json), Trusted = !parse.GetValue(untrusted) };
            return await ContextInspector.RunAsync(file, line, column, options, Console.Out, CliLogging.Create(), ct).ConfigureAwait(false);
        });
        return command;
    }
}
