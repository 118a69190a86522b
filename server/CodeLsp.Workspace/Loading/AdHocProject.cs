using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// Projects made without MSBuild: the folder's C# files with the framework references and the SDK's implicit
/// global usings (untrusted folders, failed loads), and the miscellaneous project that holds open files no
/// project contains.
/// </summary>
internal static class AdHocProject
{
    public const int MaxFiles = 20_000;
    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", ".vs", "node_modules", "artifacts"];

    /// <summary>The SDK's ImplicitUsings for a console/library project, so SDK-style code binds as it does in a build.</summary>
    private const string ImplicitUsings =
        "global using System;\nglobal using System.Collections.Generic;\nglobal using System.IO;\nglobal using System.Linq;\n" +
        "global using System.Net.Http;\nglobal using System.Threading;\nglobal using System.Threading.Tasks;\n";

    public static CSharpCompilationOptions CompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    /// <summary>
    /// A project of every .cs file under the folder (build outputs and VCS folders skipped) that no project of the
    /// solution has; with <paramref name="withProjectReferences"/>, it references the solution's C# projects.
    /// </summary>
    public static Solution AddFolderProject(Solution solution, string folder, string name, bool withProjectReferences = false)
    {
        var id = ProjectId.CreateNewId(name);
        var references = withProjectReferences
            ? solution.Projects.Where(p => p.Language == LanguageNames.CSharp).Select(p => new ProjectReference(p.Id)).ToList()
            : [];
        var documents = EnumerateSourceFiles(folder).Where(path => solution.GetDocumentIdsWithFilePath(path).IsEmpty).Take(MaxFiles)
            .Select(path => DocumentInfo.Create(DocumentId.CreateNewId(id, path), Path.GetFileName(path),
                loader: new FileTextLoader(path, defaultEncoding: null), filePath: path))
            .Append(GlobalUsingsDocument(id, folder))
            .ToList();
        return solution.AddProject(ProjectInfo.Create(id, VersionStamp.Create(), name, name, LanguageNames.CSharp,
            filePath: Path.Combine(folder, name + ".csproj"), compilationOptions: CompilationOptions, parseOptions: ParseOptions,
            documents: documents, projectReferences: references, metadataReferences: FrameworkReferences.All));
    }

    /// <summary>The miscellaneous project, referencing every loaded C# project so a loose file still sees the solution.</summary>
    public static Solution AddMiscellaneousProject(Solution solution, ProjectId id, string? folder)
    {
        var references = solution.Projects.Where(p => p.Language == LanguageNames.CSharp).Select(p => new ProjectReference(p.Id)).ToList();
        var directory = folder ?? Path.GetTempPath();
        return solution.AddProject(ProjectInfo.Create(id, VersionStamp.Create(), "Miscellaneous Files", "Miscellaneous", LanguageNames.CSharp,
            compilationOptions: CompilationOptions, parseOptions: ParseOptions,
            documents: [GlobalUsingsDocument(id, directory)], projectReferences: references, metadataReferences: FrameworkReferences.All));
    }

    private static DocumentInfo GlobalUsingsDocument(ProjectId project, string folder) =>
        DocumentInfo.Create(DocumentId.CreateNewId(project, "implicit usings"), "ImplicitUsings.g.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(ImplicitUsings), VersionStamp.Create())),
            filePath: Path.Combine(folder, "obj", "ImplicitUsings.g.cs"), isGenerated: true);

    public static IEnumerable<string> EnumerateSourceFiles(string folder)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            IEnumerable<string> files, directories;
            try
            {
                files = Directory.EnumerateFiles(directory, "*.cs").Order(StringComparer.Ordinal).ToList();
                directories = Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).Reverse().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var file in files) yield return file;
            foreach (var child in directories)
            {
                if (!SkippedFolders.Contains(Path.GetFileName(child), StringComparer.OrdinalIgnoreCase)) pending.Push(child);
            }
        }
    }
}
