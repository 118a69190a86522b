using System.Diagnostics;
using CodeLsp.Features;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines.Remote;

namespace CodeLsp.Server.Cli.Doctor;

/// <summary>
/// The checks <c>codelsp doctor</c> runs, in the order a new user meets the problems: the .NET runtime, the native
/// backend and CPU, the model file, workspace loading (MSBuild through the SDK, restore), a configured remote engine —
/// and, when none is configured, that nothing used the network. Each is small and returns its own line.
/// </summary>
internal static class DoctorChecks
{
    public static DoctorCheck Runtime(Version version, string description) =>
        version.Major >= 10
            ? DoctorCheck.Ok(".NET runtime", description)
            : DoctorCheck.Fail(".NET runtime", description, "install the .NET 10 runtime: https://dotnet.microsoft.com/download (Debian/Ubuntu: apt-get install dotnet-runtime-10.0)");

    /// <summary>The model file: configured at all, a readable GGUF, with FIM tokens.</summary>
    public static DoctorCheck ModelFile(string? path)
    {
        const string name = "model file";
        if (string.IsNullOrWhiteSpace(path))
        {
            return DoctorCheck.Warn(name, "none configured (--model, $CODELSP_MODEL or the editor's modelPath)",
                "codelsp model pull qwen2.5-coder-1.5b, then set modelPath to the path it prints");
        }
        try
        {
            var info = GgufInspector.Inspect(Path.GetFullPath(path));
            return info.Fim is null
                ? DoctorCheck.Fail(name, $"{path}: {info.Name ?? info.Architecture} has no fill-in-the-middle tokens", "use a code model with FIM: `codelsp model list` shows some")
                : DoctorCheck.Ok(name, $"{path}: {info.Name ?? info.Architecture}, {info.FileSizeBytes / 1048576.0:F0} MiB, FIM {info.Fim.Prefix}");
        }
        catch (ModelLoadException ex)
        {
            return DoctorCheck.Fail(name, ex.Message, "pull it again (`codelsp model pull NAME` checks the sha256) or pick another file");
        }
    }

    /// <summary>The native backend and CPU features, from a real load and a few generated tokens.</summary>
    public static DoctorCheck Backend(DoctorReport report)
    {
        const string name = "native backend";
        var cpu = $"{report.ProcessorCount} CPUs, {string.Join(" ", report.CpuFeatures)}";
        if (report.Succeeded)
        {
            return DoctorCheck.Ok(name, $"{report.NativeBackend ?? "?"} ({cpu}); load {report.LoadTime?.TotalMilliseconds:F0} ms, {report.GenerationTokensPerSecond:F0} tok/s{(report.ModelPath is null ? " on a generated tiny model" : "")}");
        }
        return report.NativeLibraryPath is null
            ? DoctorCheck.Fail(name, $"llama.cpp did not load: {report.Failure} ({cpu})",
                "reinstall CodeLsp for this platform (the .vsix or tool for your OS and CPU); on Linux, glibc 2.31 or newer is needed")
            : DoctorCheck.Fail(name, $"{report.NativeLibraryPath}: {report.Failure}", "see the message; `codelsp model inspect FILE` says what is wrong with a model file");
    }

    /// <summary>Whether the workspace can load: a project or solution here, the SDK that MSBuild runs from, restore done.</summary>
    public static DoctorCheck Workspace(string folder, IReadOnlyList<string> sdks)
    {
        const string name = "workspace loading";
        if (!Directory.Exists(folder))
        {
            return DoctorCheck.Skip(name, $"{folder} does not exist");
        }
        var projects = FindProjects(folder);
        var hasSolution = Directory.EnumerateFiles(folder, "*.sln").Concat(Directory.EnumerateFiles(folder, "*.slnx")).Any();
        if (projects.Count == 0 && !hasSolution)
        {
            return DoctorCheck.Skip(name, $"no .sln/.slnx/.csproj under {folder}: files are read as one ad-hoc project (pass --workspace DIR to check a solution)");
        }
        if (sdks.Count == 0)
        {
            return DoctorCheck.Fail(name, "no .NET SDK found (`dotnet --list-sdks` is empty): MSBuild cannot evaluate the projects",
                "install the .NET SDK that the solution targets (global.json), not only the runtime");
        }
        var unrestored = projects.Where(p => !File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "obj", "project.assets.json"))).ToList();
        if (unrestored.Count > 0)
        {
            return DoctorCheck.Warn(name, $"{unrestored.Count} of {projects.Count} projects not restored (e.g. {Path.GetRelativePath(folder, unrestored[0])}): references will be missing",
                $"dotnet restore {folder}");
        }
        return DoctorCheck.Ok(name, $"{projects.Count} project(s), restored; SDK {sdks[^1]}");
    }

    /// <summary>
    /// A configured remote engine (the <c>engine</c>/<c>engineUrl</c>/<c>engineModel</c> settings, the key from its
    /// environment variable) answers the engine's own probe, the request the server makes before the first keystroke.
    /// With the local engine nothing is contacted: the check says so.
    /// </summary>
    public static async Task<DoctorCheck> EngineAsync(AssistantSettings settings, Serilog.ILogger logger, CancellationToken ct)
    {
        const string name = "engine";
        var (options, problem) = RemoteEngineSettings.From(settings);
        if (problem is not null)
        {
            return DoctorCheck.Fail(name, problem, "fix the engine settings named above, or set engine to local");
        }
        if (options is null)
        {
            return DoctorCheck.Ok(name, "local (in-process llama.cpp): no network used");
        }
        using var engine = RemoteEngines.Create(options, logger);
        try
        {
            var probe = await engine.ConnectAsync(ct).ConfigureAwait(false);
            var detail = $"{options.Kind} at {options.BaseUrl} serves {probe.ModelName} ({probe.Latency.TotalMilliseconds:F0} ms); only this engine is contacted over the network";
            return probe.Warning is null ? DoctorCheck.Ok(name, detail) : DoctorCheck.Warn(name, detail + ". " + probe.Warning, "see the warning: the engine answers but completions may not work as expected");
        }
        catch (EngineRequestException ex)
        {
            return DoctorCheck.Fail(name, ex.Message, "start the engine, or check engineUrl (host, port, http/https), engineModel and the API key variable");
        }
    }

    public static IReadOnlyList<string> FindProjects(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 6 };
        return Directory.EnumerateFiles(folder, "*.csproj", options)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Take(500)
            .ToList();
    }

    /// <summary>The installed SDK versions (<c>dotnet --list-sdks</c>), empty when dotnet is missing.</summary>
    public static IReadOnlyList<string> InstalledSdks()
    {
        try
        {
            var start = new ProcessStartInfo("dotnet", "--list-sdks") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split(' ')[0]).ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }
}
