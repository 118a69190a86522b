using CodeLsp.Features;
using CodeLsp.Features.Completion;
using CodeLsp.Server.Cli;

var root = CodeLspCommandLine.Create(logger => new Assistant(logger, new AcceptanceStatistics(AcceptanceStatistics.DefaultPath)));
return await root.Parse(args).InvokeAsync();
