using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// Runs the context and the identifier list once, in the background when the server starts, on a small sample in a
/// throwaway project (the framework references): the compiler's binder and the context code are compiled by the JIT
/// on first use (~750 ms for the first context of a session), and this way they are compiled before the first
/// document is opened rather than while its first keystrokes wait. Once per process; nothing is kept.
/// </summary>
public static class CompilerWarmUp
{
    private const string Sample = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace CodeLsp.WarmUp;

        public sealed record Item(string Name, int Count);

        public sealed class Sample
        {
            private readonly List<Item> _items = new();

            public int Total() => _items.Where(i => i.Count > 0).Sum(i => i.Count);

            public Item Find(string name)
            {
                var found = _items.FirstOrDefault(i => i.Name == name) ?? throw new ArgumentException(name);
                var copy = new Item(found.Name, found.Count);
                return copy;
            }
        }
        """;

    /// <summary>Where the sample is asked: after these texts (a member access, a call, an object creation).</summary>
    private static readonly string[] Sites = ["_items.", "FirstOrDefault(", "new Item("];

    private static int s_started;

    /// <summary>Starts the warm-up unless it ran already in this process.</summary>
    public static void Start(Action<Exception> failed)
    {
        if (Interlocked.Exchange(ref s_started, 1) != 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await RunAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failed(e);
            }
        });
    }

    /// <summary>The warm-up itself; returns how many context items it collected (for tests).</summary>
    internal static async Task<int> RunAsync(CancellationToken ct)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId("CodeLsp warm-up");
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "CodeLspWarmUp", "CodeLspWarmUp",
            LanguageNames.CSharp, compilationOptions: AdHocProject.CompilationOptions, parseOptions: AdHocProject.ParseOptions,
            metadataReferences: FrameworkReferences.All));
        var id = DocumentId.CreateNewId(projectId);
        var document = solution.AddDocument(id, "WarmUp.cs", SourceText.From(Sample), filePath: Path.Combine(Path.GetTempPath(), "codelsp-warm-up", "WarmUp.cs")).GetDocument(id)!;
        var offsets = Sites.Select(site => Sample.IndexOf(site, StringComparison.Ordinal) + site.Length).ToList();
        var builder = new SemanticContextBuilder();
        var items = 0;
        foreach (var offset in offsets) items += (await builder.CollectAsync(document, offset, ContextRequest.Default, ct).ConfigureAwait(false)).Count;
        await builder.PrepareTypingAsync(document, offsets, () => ct.IsCancellationRequested, ct).ConfigureAwait(false);
        return items;
    }
}
