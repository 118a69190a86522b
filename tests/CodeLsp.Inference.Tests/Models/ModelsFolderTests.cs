using System.Runtime.InteropServices;
using CodeLsp.Inference.Models;

namespace CodeLsp.Inference.Tests.Models;

public sealed class ModelsFolderTests
{
    public static TheoryData<string, string?, string?, string?, string> Cases => new()
    {
        // platform, XDG_DATA_HOME, LOCALAPPDATA, CODELSP_MODELS_DIR, expected
        { "linux", null, null, null, Path.Combine("/home/u", ".local", "share", "codelsp", "models") },
        { "linux", "/data", null, null, Path.Combine("/data", "codelsp", "models") },
        { "linux", "relative/ignored", null, null, Path.Combine("/home/u", ".local", "share", "codelsp", "models") },
        { "osx", "/data", null, null, Path.Combine("/home/u", "Library", "Application Support", "codelsp", "models") },
        { "windows", null, "/appdata/local", null, Path.Combine("/appdata/local", "codelsp", "models") },
        { "linux", null, null, "/mnt/big/models", "/mnt/big/models" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_default_folder_follows_each_platform_convention(string platform, string? xdg, string? localAppData, string? overrideDir, string expected)
    {
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = "/home/u",
            ["XDG_DATA_HOME"] = xdg,
            ["LOCALAPPDATA"] = localAppData,
            [ModelsFolder.OverrideVariable] = overrideDir,
        };
        var os = platform switch { "windows" => OSPlatform.Windows, "osx" => OSPlatform.OSX, _ => OSPlatform.Linux };
        Assert.Equal(expected, ModelsFolder.Resolve(name => env.GetValueOrDefault(name), os));
    }

    [Fact]
    public void Only_finished_gguf_files_count_as_models()
    {
        var dir = Directory.CreateTempSubdirectory("codelsp-folder-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "b.gguf"), "");
            File.WriteAllText(Path.Combine(dir, "a.gguf"), "");
            File.WriteAllText(Path.Combine(dir, "c.gguf.part"), "");
            Assert.Equal(["a.gguf", "b.gguf"], ModelsFolder.ListModels(dir).Select(f => f.Name));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
