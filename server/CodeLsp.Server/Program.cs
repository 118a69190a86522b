using CodeLsp.Features;
using CodeLsp.Features.Completion;
using CodeLsp.Server.Cli;

// Model decoding and Roslyn work each hold a pool thread for milliseconds at a time; on a 2-core machine the
// pool starts with 2 and adds more only slowly, so protocol messages would queue behind them. Start with more.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));

var root = CodeLspCommandLine.Create(logger => new Assistant(logger, new AcceptanceStatistics(AcceptanceStatistics.DefaultPath)));
return await root.Parse(args).InvokeAsync();
