using CodeLsp.Features.NextEdits;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.NextEdits;

/// <summary>
/// One next-edit scenario as data: a small solution (file name → text), the user's edit (the unique occurrence of
/// <see cref="Old"/> in <see cref="File"/> replaced by <see cref="New"/>), and what must follow: each changed file's
/// text once every proposed edit is applied, how many sites are left to the model, and why nothing else is proposed.
/// </summary>
public sealed record NextEditScenario(string Name, IReadOnlyDictionary<string, string> Files, string File, string Old, string New)
{
    /// <summary>File name → full expected text after applying the proposed edits (files not listed must be unchanged by them).</summary>
    public IReadOnlyDictionary<string, string> Expected { get; init; } = new Dictionary<string, string>();

    public int ModelSites { get; init; }

    /// <summary>Errors the solution may still have after the edits (those at model sites, or explained ones).</summary>
    public int RemainingErrors { get; init; }

    public EditKind[] Kinds { get; init; } = [];

    public bool HalfTyped { get; init; }

    public override string ToString() => Name;

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    public Solution CreateSolution()
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Shop", "Shop", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: References.Value));
        var solution = project.Solution;
        foreach (var (name, text) in Files)
        {
            solution = solution.AddDocument(DocumentId.CreateNewId(project.Id), name, SourceText.From(text), filePath: "/src/" + name);
        }
        return solution;
    }

    public Solution ApplyEdit(Solution before)
    {
        var document = before.Projects.Single().Documents.Single(d => d.Name == File);
        var text = document.GetTextAsync().Result;
        var content = text.ToString();
        var at = content.IndexOf(Old, StringComparison.Ordinal);
        if (at < 0 || content.IndexOf(Old, at + 1, StringComparison.Ordinal) >= 0) throw new InvalidOperationException($"{Name}: `{Old}` must occur once in {File}");
        return before.WithDocumentText(document.Id, text.WithChanges(new TextChange(new TextSpan(at, Old.Length), New)));
    }

    /// <summary>Applies the edits (all ranges refer to the texts of <paramref name="after"/>) and returns the new solution.</summary>
    public static Solution ApplyNextEdits(Solution after, IEnumerable<NextEdit> edits)
    {
        foreach (var group in edits.GroupBy(e => e.FilePath))
        {
            var document = after.Projects.SelectMany(p => p.Documents).Single(d => d.FilePath == group.Key);
            var text = document.GetTextAsync().Result;
            var changes = group.Select(e => new TextChange(text.Lines.GetTextSpan(e.Range), e.NewText)).OrderBy(c => c.Span.Start).ToList();
            after = after.WithDocumentText(document.Id, text.WithChanges(changes));
        }
        return after;
    }

    public static async Task<IReadOnlyList<Diagnostic>> ErrorsAsync(Solution solution)
    {
        var compilation = await solution.Projects.Single().GetCompilationAsync();
        return compilation!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error || d.Id == "CS8509").ToList();
    }
}
