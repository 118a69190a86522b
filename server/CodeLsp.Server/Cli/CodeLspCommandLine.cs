using System.CommandLine;
using CodeLsp.Features;

namespace CodeLsp.Server.Cli;

/// <summary>The command tree: <c>codelsp</c> (serves, like <c>serve</c>) and its subcommands, one class each in this folder.</summary>
internal static class CodeLspCommandLine
{
    public static RootCommand Create(Func<Serilog.ILogger, IAssistant> createAssistant)
    {
        var serve = new ServeCommand(createAssistant);
        var root = new RootCommand("codelsp: a C# language server with local, offline inline completions.");
        root.Options.Add(ServeCommand.LogLevelOption);
        root.Options.Add(ServeCommand.LogFileOption);
        root.SetAction(serve.RunAsync);
        root.Subcommands.Add(serve.Create());
        root.Subcommands.Add(CompleteCommand.Create());
        root.Subcommands.Add(ActCommand.Create());
        root.Subcommands.Add(ModelCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(ContextCommand.Create());
        return root;
    }
}
