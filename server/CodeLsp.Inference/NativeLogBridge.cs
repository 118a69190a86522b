using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>
/// Owns llama.cpp's process-wide log callback: forwards native log lines to Serilog (Debug/Info → Debug,
/// Warning → Warning, Error → Error; progress dots dropped) and collects Error lines while a model loads,
/// because llama.cpp's exception says only "failed to load" and the reason arrives as a log line.
/// </summary>
internal static class NativeLogBridge
{
    private static readonly object s_lock = new();
    private static bool s_configured;
    private static Serilog.ILogger? s_processLogger;
    private static Capture? s_capture;

    /// <summary>Installs the callback once per process; must run before the first native call to take effect from the start.</summary>
    public static void EnsureConfigured(Serilog.ILogger logger)
    {
        lock (s_lock)
        {
            if (s_configured)
            {
                return;
            }

            s_processLogger = logger.ForContext("SourceContext", "llama.cpp");
            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                NativeLogConfig.llama_log_set(OnLog);
            }
            else
            {
                NativeLibraryConfig.All.WithLogCallback(OnLog);
            }

            s_configured = true;
        }
    }

    /// <summary>Collects native Error lines until disposed. Loads are serialized by the caller, so one capture at a time.</summary>
    public static Capture BeginCapture(Serilog.ILogger logger)
    {
        var capture = new Capture(logger.ForContext("SourceContext", "llama.cpp"));
        lock (s_lock)
        {
            s_capture = capture;
        }

        return capture;
    }

    private static void OnLog(LLamaLogLevel level, string message)
    {
        if (level is LLamaLogLevel.Continue or LLamaLogLevel.None)
        {
            return;
        }

        Capture? capture;
        lock (s_lock)
        {
            capture = s_capture;
        }

        var text = message.TrimEnd();
        var logger = capture?.Logger ?? s_processLogger ?? Serilog.Log.Logger;
        switch (level)
        {
            case LLamaLogLevel.Error:
                logger.Error("{NativeMessage}", text);
                capture?.Add(text);
                break;
            case LLamaLogLevel.Warning:
                logger.Warning("{NativeMessage}", text);
                break;
            default:
                logger.Debug("{NativeMessage}", text);
                break;
        }
    }

    public sealed class Capture(Serilog.ILogger logger) : IDisposable
    {
        private readonly List<string> _errors = [];

        public Serilog.ILogger Logger { get; } = logger;

        public IReadOnlyList<string> Errors
        {
            get
            {
                lock (_errors)
                {
                    return [.. _errors];
                }
            }
        }

        public void Add(string line)
        {
            lock (_errors)
            {
                _errors.Add(line);
            }
        }

        public void Dispose()
        {
            lock (s_lock)
            {
                if (ReferenceEquals(s_capture, this))
                {
                    s_capture = null;
                }
            }
        }
    }
}
