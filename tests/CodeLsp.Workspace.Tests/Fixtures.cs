namespace CodeLsp.Workspace.Tests;

/// <summary>
/// The solutions under tests/fixtures, copied to a fresh temp folder per use: MSBuild writes obj/ next to the
/// projects, and tests change files.
/// </summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static TempFolder Copy(string name)
    {
        var target = Path.Combine(Path.GetTempPath(), "codelsp-tests", $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)]);
        CopyDirectory(Path.Combine(Root, name), target);
        return new TempFolder(target);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj") continue;
            CopyDirectory(directory, Path.Combine(target, name));
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures");
            if (Directory.Exists(Path.Combine(candidate, "Warehouse"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}

internal sealed class TempFolder(string path) : IDisposable
{
    public string Path { get; } = path;

    public string File(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A build host may still hold a file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }
}
