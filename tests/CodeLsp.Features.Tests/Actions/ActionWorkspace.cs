using CodeLsp.Features.Actions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.Actions;

/// <summary>A library project (and optionally an xUnit test project referencing it) for action tests; "$$" marks the caret.</summary>
internal sealed class ActionWorkspace
{
    private static readonly Lazy<MetadataReference[]> s_framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    public static readonly string Folder = Path.Combine(Path.GetTempPath(), "codelsp-actions-tests");

    private ActionWorkspace(Document document, int caret)
    {
        Document = document;
        Caret = caret;
    }

    public Document Document { get; }

    public int Caret { get; }

    public SourceText Text => Document.GetTextAsync().Result;

    public LinePositionSpan CaretRange => new(Text.Lines.GetLinePosition(Caret), Text.Lines.GetLinePosition(Caret));

    public static ActionWorkspace Create(string markup, bool withTestProject = false)
    {
        var caret = markup.IndexOf("$$", StringComparison.Ordinal);
        var text = caret < 0 ? markup : markup.Remove(caret, 2);
        var workspace = new AdhocWorkspace();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var library = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Shop", "Shop", LanguageNames.CSharp,
            filePath: Path.Combine(Folder, "Shop", "Shop.csproj"), compilationOptions: options, parseOptions: parse, metadataReferences: s_framework.Value));
        var document = workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(library.Id), "Cart.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(text), VersionStamp.Default)), filePath: Path.Combine(Folder, "Shop", "Cart.cs")));
        if (withTestProject)
        {
            var xunit = MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location);
            var assert = MetadataReference.CreateFromFile(typeof(Assert).Assembly.Location);
            var tests = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Shop.Tests", "Shop.Tests", LanguageNames.CSharp,
                filePath: Path.Combine(Folder, "Shop.Tests", "Shop.Tests.csproj"), compilationOptions: options, parseOptions: parse,
                metadataReferences: [.. s_framework.Value, xunit, assert], projectReferences: [new ProjectReference(library.Id)]));
            workspace.AddDocument(DocumentInfo.Create(DocumentId.CreateNewId(tests.Id), "UnitTest1.cs",
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From("using Xunit;\nnamespace Shop.Tests;\npublic class UnitTest1\n{\n    [Fact]\n    public void Works() => Assert.True(true);\n}\n"), VersionStamp.Default)),
                filePath: Path.Combine(Folder, "Shop.Tests", "UnitTest1.cs")));
            document = workspace.CurrentSolution.GetDocument(document.Id)!;
        }

        return new ActionWorkspace(document, caret < 0 ? 0 : caret);
    }

    public AiActionArguments Arguments(AiActionKind kind, string? diagnosticId = null) =>
        new(kind, new Uri(Document.FilePath!), 7, CaretRange) { DiagnosticId = diagnosticId };

    /// <summary>The text with the outcome's edits applied (the single file edit of the document).</summary>
    public string Apply(AiActionOutcome outcome)
    {
        var edit = Assert.Single(outcome.Edits);
        Assert.False(edit.IsNewFile);
        Assert.Equal(7, edit.Version);
        return Text.WithChanges(edit.Edits.Select(e => new TextChange(Text.Lines.GetTextSpan(e.Range), e.NewText))).ToString();
    }

    /// <summary>Compiler errors of the library with <paramref name="text"/> as the document.</summary>
    public async Task<IReadOnlyList<string>> ErrorsAsync(string text)
    {
        var compilation = await Document.WithText(SourceText.From(text)).Project.GetCompilationAsync();
        return compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
    }
}
