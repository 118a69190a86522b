using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using LLama.Native;

namespace CodeLsp.Inference;

/// <summary>What <see cref="InferenceDoctor"/> found. <see cref="Failure"/> is null when everything worked.</summary>
public sealed record DoctorReport
{
    public required string? ModelPath { get; init; }
    public string? ModelName { get; init; }

    /// <summary>The llama.cpp variant LLamaSharp chose (e.g. "AVX512, CPU"), or null when it never loaded.</summary>
    public string? NativeBackend { get; init; }

    /// <summary>File path of the libllama that the process loaded.</summary>
    public string? NativeLibraryPath { get; init; }

    public required IReadOnlyList<string> CpuFeatures { get; init; }
    public required int ProcessorCount { get; init; }
    public TimeSpan? LoadTime { get; init; }
    public int PromptTokens { get; init; }
    public double? PromptTokensPerSecond { get; init; }
    public int GeneratedTokens { get; init; }
    public double? GenerationTokensPerSecond { get; init; }

    /// <summary>Exactly what failed, in words; null on success.</summary>
    public string? Failure { get; init; }
    public bool Succeeded => Failure is null;

    /// <summary>Human-readable lines for a CLI.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"model:            {ModelPath ?? "(generated tiny test model)"}{(ModelName is null ? "" : $" — {ModelName}")}";
        yield return $"native library:   {NativeLibraryPath ?? "(not loaded)"}";
        yield return $"native backend:   {NativeBackend ?? "(unknown)"}";
        yield return $"CPU:              {ProcessorCount} logical processors; {string.Join(", ", CpuFeatures)}";
        if (LoadTime is { } load)
        {
            yield return $"load time:        {load.TotalMilliseconds:F0} ms";
        }

        if (PromptTokensPerSecond is { } prompt)
        {
            yield return $"prompt:           {PromptTokens} tokens, {prompt:F0} tok/s";
        }

        if (GenerationTokensPerSecond is { } generation)
        {
            yield return $"generation:       {GeneratedTokens} tokens, {generation:F0} tok/s";
        }

        yield return Failure is null ? "result:           OK" : $"result:           FAILED — {Failure}";
    }
}

/// <summary>
/// Checks that local inference works on this machine: loads a model (a generated tiny one when none is given),
/// times a prompt and a short generation, and reports which native llama.cpp build was used.
/// </summary>
public static class InferenceDoctor
{
    public static async Task<DoctorReport> RunAsync(string? modelPath, Serilog.ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var report = new DoctorReport
        {
            ModelPath = modelPath,
            CpuFeatures = CpuFeatures(),
            ProcessorCount = Environment.ProcessorCount,
        };

        string? tempDirectory = null;
        try
        {
            var path = modelPath;
            if (path is null)
            {
                tempDirectory = Directory.CreateTempSubdirectory("codelsp-doctor-").FullName;
                path = System.IO.Path.Combine(tempDirectory, "tiny.gguf");
                TinyModel.Write(path, new TinyModelOptions());
            }

            using var host = await ModelHost.LoadAsync(new ModelLoadOptions { Path = path, ContextSize = 2048 }, null, ct, logger).ConfigureAwait(false);
            report = report with { ModelName = host.Description.Name, LoadTime = host.Description.LoadTime };
            report = WithNativeLibrary(report);

            if (!host.Description.SupportsFim)
            {
                return report with { Failure = $"model '{host.Description.Name}' has no fill-in-the-middle tokens; CodeLsp needs a code model with FIM such as Qwen2.5-Coder" };
            }

            // A prompt of a few hundred tokens, then a short generation on the same (now cached) prompt.
            var prefix = string.Concat(Enumerable.Repeat("public int Add(int a, int b)\n{\n    return a + b;\n}\n", 12));
            var measured = await host.CompleteAsync(new FimPrompt(prefix, "\n}\n"), new GenerationLimits(32, TimeSpan.FromSeconds(30)), ct)
                .ConfigureAwait(false);
            return report with
            {
                PromptTokens = measured.PromptTokens - measured.ReusedPromptTokens,
                PromptTokensPerSecond = Rate(measured.PromptTokens - measured.ReusedPromptTokens, measured.PromptTime),
                GeneratedTokens = measured.GeneratedTokens,
                GenerationTokensPerSecond = Rate(measured.GeneratedTokens, measured.GenerationTime),
            };
        }
        catch (ModelLoadException e)
        {
            return WithNativeLibrary(report) with { Failure = e.Message };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.Error(e, "Inference doctor failed");
            return WithNativeLibrary(report) with { Failure = $"{e.GetType().Name}: {e.Message}" };
        }
        finally
        {
            if (tempDirectory is not null)
            {
                try
                {
                    Directory.Delete(tempDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp file is harmless.
                }
            }
        }
    }

    private static double? Rate(int tokens, TimeSpan time) => tokens > 0 && time > TimeSpan.Zero ? tokens / time.TotalSeconds : null;

    private static DoctorReport WithNativeLibrary(DoctorReport report)
    {
        string? backend = null;
        try
        {
            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                backend = NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata?.ToString();
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            backend = null;
        }

        // LLamaSharp does not expose the file it picked; the process's module list does.
        var library = Process.GetCurrentProcess().Modules.Cast<ProcessModule>()
            .Select(m => m.FileName)
            .FirstOrDefault(f => System.IO.Path.GetFileName(f) is var name
                && (name.StartsWith("libllama.", StringComparison.Ordinal) || name.Equals("llama.dll", StringComparison.OrdinalIgnoreCase)));
        return report with { NativeBackend = backend ?? report.NativeBackend, NativeLibraryPath = library ?? report.NativeLibraryPath };
    }

    private static IReadOnlyList<string> CpuFeatures()
    {
        var features = new List<string> { RuntimeInformation.ProcessArchitecture.ToString() };
        void Add(bool supported, string name)
        {
            if (supported)
            {
                features.Add(name);
            }
        }

        Add(Sse42.IsSupported, "SSE4.2");
        Add(Avx.IsSupported, "AVX");
        Add(Avx2.IsSupported, "AVX2");
        Add(Fma.IsSupported, "FMA");
        Add(Avx512F.IsSupported, "AVX-512F");
        Add(Avx512BW.IsSupported, "AVX-512BW");
        Add(Avx512Vbmi.IsSupported, "AVX-512VBMI");
        Add(AvxVnni.IsSupported, "AVX-VNNI");
        Add(AdvSimd.IsSupported, "NEON");
        Add(Dp.IsSupported, "DotProd");
        return features;
    }
}
