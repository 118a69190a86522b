using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CodeLsp.Workspace.Tests.Loading;

/// <summary>A reference read as its metadata block alone binds exactly as Roslyn's copy of the whole file does.</summary>
public sealed class MetadataOnlyReferenceTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Linq;
        public static class Program
        {
            public static int Count(IEnumerable<string> names) => names.Where(n => n.Length > 2).Select(n => n.ToUpperInvariant()).Distinct().Count();
            public static string Missing() => string.NoSuchMember;
        }
        """;

    [Fact]
    public void Compiles_with_the_same_diagnostics_and_symbols_as_the_whole_file()
    {
        var files = FrameworkReferences.All.OfType<PortableExecutableReference>().Select(r => r.FilePath!).ToList();
        var lean = files.Select(f => MetadataOnlyReference.TryRead(f)?.GetReference(filePath: f)).ToList();
        Assert.All(lean, Assert.NotNull);

        var tree = CSharpSyntaxTree.ParseText(Source);
        Compilation Compile(IEnumerable<MetadataReference> references) =>
            CSharpCompilation.Create("Test", [tree], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var whole = Compile(files.Select(f => MetadataReference.CreateFromFile(f)));
        var metadataOnly = Compile(lean!);

        static string Describe(Compilation c) => string.Join("\n", c.GetDiagnostics().Select(d => $"{d.Id} {d.Location.SourceSpan}"));
        Assert.Equal(Describe(whole), Describe(metadataOnly));
        Assert.Contains("CS0117", Describe(metadataOnly)); // the one real error, found through the lean references too
        var list = metadataOnly.GetTypeByMetadataName("System.Collections.Generic.List`1")!;
        Assert.Equal(
            whole.GetTypeByMetadataName("System.Collections.Generic.List`1")!.GetMembers().Select(m => m.ToDisplayString()).Order(),
            list.GetMembers().Select(m => m.ToDisplayString()).Order());
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_gives_null()
    {
        using var folder = new TempFolder(Directory.CreateTempSubdirectory("codelsp-metadata-").FullName);
        var text = Path.Combine(folder.Path, "notes.dll");
        File.WriteAllText(text, "not a PE file");

        Assert.Null(MetadataOnlyReference.TryRead(text));
        Assert.Null(MetadataOnlyReference.TryRead(Path.Combine(folder.Path, "missing.dll")));
    }
}
