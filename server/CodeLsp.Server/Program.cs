using CodeLsp.Features;
using CodeLsp.Server.Cli;

var root = CodeLspCommandLine.Create(logger => new Assistant(logger));
return await root.Parse(args).InvokeAsync();
