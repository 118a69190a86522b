using CodeLsp.Server;
using CodeLsp.Server.Cli;

// The assistant factory: NoModelAssistant is a placeholder until CodeLsp.Features' Assistant is merged.
var root = CodeLspCommandLine.Create(logger => new NoModelAssistant(logger));
return await root.Parse(args).InvokeAsync();
