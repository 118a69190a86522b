using System.Runtime.InteropServices;

namespace CodeLsp.Inference.Models;

/// <summary>
/// Where pulled models live unless the user says otherwise (<c>--dir</c>, <c>CODELSP_MODELS_DIR</c>):
/// Linux <c>$XDG_DATA_HOME/codelsp/models</c> (default <c>~/.local/share/codelsp/models</c>), Windows
/// <c>%LOCALAPPDATA%\codelsp\models</c>, macOS <c>~/Library/Application Support/codelsp/models</c>.
/// </summary>
public static class ModelsFolder
{
    public const string OverrideVariable = "CODELSP_MODELS_DIR";

    public static string Resolve(Func<string, string?>? getEnvironmentVariable = null, OSPlatform? platform = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        var explicitDir = env(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(explicitDir))
        {
            return Path.GetFullPath(explicitDir);
        }

        var os = platform ?? CurrentPlatform();
        var home = env("HOME") is { Length: > 0 } h && os != OSPlatform.Windows
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (os == OSPlatform.Windows)
        {
            var local = env("LOCALAPPDATA");
            if (string.IsNullOrWhiteSpace(local))
            {
                local = Path.Combine(home, "AppData", "Local");
            }
            return Path.Combine(local, "codelsp", "models");
        }
        if (os == OSPlatform.OSX)
        {
            return Path.Combine(home, "Library", "Application Support", "codelsp", "models");
        }
        var dataHome = env("XDG_DATA_HOME");
        // The XDG spec says a relative value is invalid and must be ignored.
        if (string.IsNullOrWhiteSpace(dataHome) || !Path.IsPathRooted(dataHome))
        {
            dataHome = Path.Combine(home, ".local", "share");
        }
        return Path.Combine(dataHome, "codelsp", "models");
    }

    /// <summary>The finished model files in <paramref name="folder"/>: <c>*.gguf</c> only, so a <c>.part</c> download never counts.</summary>
    public static IReadOnlyList<FileInfo> ListModels(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return new DirectoryInfo(folder).EnumerateFiles("*.gguf", SearchOption.TopDirectoryOnly)
            .OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private static OSPlatform CurrentPlatform() =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? OSPlatform.Windows
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? OSPlatform.OSX
        : OSPlatform.Linux;
}
