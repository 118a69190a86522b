using System.Collections.Immutable;
using System.Diagnostics;
using CodeLsp.Workspace.Context;
using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Workspace;

/// <summary>
/// Owns the Roslyn solution the context engine reads: the projects loaded from the workspace folder (MSBuild when
/// the folder is trusted, else an ad-hoc project of its files) with the open documents' texts overlaid. Every
/// change (an edit, a file changed on disk, a finished load) produces a new immutable <see cref="Solution"/>
/// under one lock; readers keep whatever snapshot their <see cref="Document"/> belongs to.
/// </summary>
public sealed class WorkspaceHost : IDisposable
{
    private const int MaxRecentDocuments = 16;
    private const int MaxLoggedDiagnostics = 200;

    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly AdhocWorkspace _emptyWorkspace = new();
    private readonly Dictionary<string, (Uri Uri, SourceText Text)> _open = new(PathComparer);
    private readonly LinkedList<RecentDocument> _recent = new();
    private MSBuildWorkspace? _msbuild;
    private Solution _solution;

    /// <summary>Projects that had a compilation when an edit replaced their snapshot: see <see cref="SettleAsync"/>.</summary>
    private readonly HashSet<ProjectId> _unsettled = [];
    private ProjectId? _miscProject;
    private string? _folder;
    private WorkspaceLoadState _state = WorkspaceLoadState.NotLoaded;
    private RecentDocument[] _recentSnapshot = [];

    private static StringComparer PathComparer => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public WorkspaceHost(ILogger logger)
    {
        _logger = logger.ForContext<WorkspaceHost>();
        _solution = _emptyWorkspace.CurrentSolution;
    }

    public WorkspaceLoadState State
    {
        get { lock (_gate) return _state; }
    }

    /// <summary>The current snapshot: loaded projects plus the open documents' texts.</summary>
    public Solution CurrentSolution
    {
        get { lock (_gate) return _solution; }
    }

    /// <summary>Open and recently edited documents, most recent first: the similar-snippet candidates.</summary>
    public IReadOnlyList<RecentDocument> RecentDocuments() => Volatile.Read(ref _recentSnapshot);

    /// <summary>
    /// Loads the folder's solution (.sln/.slnx at the top, else every .csproj under it). Untrusted folders are never
    /// evaluated by MSBuild (design-time builds run the project's targets): they get an ad-hoc project of their files,
    /// as does a load that fails. Open documents stay overlaid across the switch.
    /// </summary>
    public async Task LoadAsync(string folder, bool trusted, IProgress<WorkspaceLoadProgress>? progress, CancellationToken ct, WorkspaceLoadOptions? options = null)
    {
        options ??= WorkspaceLoadOptions.Default;
        folder = Path.GetFullPath(folder);
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            _folder = folder;
            _state = new WorkspaceLoadState(WorkspaceLoadStatus.Loading, WorkspaceMode.None, 0, 0, TimeSpan.Zero, [], null);
        }
        if (!trusted)
        {
            progress?.Report(new WorkspaceLoadProgress("Untrusted folder: reading C# files without MSBuild"));
            _logger.Information("Workspace {Folder} is not trusted: MSBuild is not run; using an ad-hoc project of its files", folder);
            var adhoc = AdHocProject.AddFolderProject(_emptyWorkspace.CurrentSolution, folder, Path.GetFileName(folder) + " (ad hoc)");
            Publish(adhoc, new WorkspaceLoadState(WorkspaceLoadStatus.Loaded, WorkspaceMode.AdHocUntrusted, 1, CountDocuments(adhoc), clock.Elapsed,
                ["The folder is not trusted: projects were not evaluated."], null), null);
            return;
        }

        var target = FindLoadTarget(folder);
        if (target.Count == 0)
        {
            _logger.Information("No .sln, .slnx or .csproj under {Folder}; using an ad-hoc project of its files", folder);
            var adhoc = AdHocProject.AddFolderProject(_emptyWorkspace.CurrentSolution, folder, Path.GetFileName(folder) + " (ad hoc)");
            Publish(adhoc, new WorkspaceLoadState(WorkspaceLoadStatus.Loaded, WorkspaceMode.AdHocFallback, 1, CountDocuments(adhoc), clock.Elapsed,
                ["No solution or project file found."], null), null);
            return;
        }

        // MSBuild works in its own process for seconds. Meanwhile the folder's files serve as an ad-hoc project, so
        // completions get solution-wide context before the load ends, and compiling it warms up this process.
        var interim = AdHocProject.AddFolderProject(_emptyWorkspace.CurrentSolution, folder, Path.GetFileName(folder) + " (while loading)");
        Publish(interim, new WorkspaceLoadState(WorkspaceLoadStatus.Loading, WorkspaceMode.AdHocFallback, 1, CountDocuments(interim), clock.Elapsed, [], null), null);
        using var interimCancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var interimWarmUp = Task.Run(() => WarmUpAsync(interim, interimCancellation.Token), interimCancellation.Token);

        var diagnostics = new List<string>();
        var failures = new List<string>();
        var workspace = MSBuildWorkspace.Create();
        using var registration = workspace.RegisterWorkspaceFailedHandler(e =>
        {
            var message = e.Diagnostic.Message;
            lock (diagnostics)
            {
                diagnostics.Add($"{e.Diagnostic.Kind}: {message}");
                if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure) failures.Add(message);
            }
            // NuGet's version notes arrive as "failures" too; they change nothing the user would notice.
            if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure && LoadProblems.Classify(message).Kind != LoadProblemKind.Harmless) _logger.Warning("Workspace: {Message}", message);
            else _logger.Debug("Workspace: {Message}", message);
        });
        var msbuildProgress = new ProgressAdapter(progress, _logger);
        Solution? loaded = null;
        try
        {
            if (target.Count == 1 && IsSolutionFile(target[0]))
            {
                progress?.Report(new WorkspaceLoadProgress($"Loading {Path.GetFileName(target[0])}", target[0]));
                _logger.Information("Loading solution {Solution}", target[0]);
                await workspace.OpenSolutionAsync(target[0], msbuildProgress, ct).ConfigureAwait(false);
            }
            else
            {
                foreach (var project in target)
                {
                    ct.ThrowIfCancellationRequested();
                    if (workspace.CurrentSolution.Projects.Any(p => PathComparer.Equals(p.FilePath, project))) continue;
                    progress?.Report(new WorkspaceLoadProgress($"Loading {Path.GetFileName(project)}", project));
                    try
                    {
                        await workspace.OpenProjectAsync(project, msbuildProgress, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        lock (diagnostics) { failures.Add($"{project}: {e.Message}"); diagnostics.Add($"Failure: {project}: {e.Message}"); }
                        _logger.Warning(e, "Could not load {Project}", project);
                    }
                }
            }
            loaded = workspace.CurrentSolution;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (diagnostics) { failures.Add(e.Message); diagnostics.Add($"Failure: {e.Message}"); }
            _logger.Error(e, "Loading {Target} failed", target[0]);
        }

        if (loaded is not null && !options.AllTargetFrameworks)
        {
            var selection = TargetFrameworkSelection.KeepOnePerProject(loaded, options.TargetFramework);
            loaded = selection.Solution;
            if (selection.Dropped > 0)
            {
                _logger.Information("Multi-targeted projects: using {Kept}; {Dropped} other target-framework instance(s) left out (settings: targetFramework, loadAllTargetFrameworks)",
                    string.Join(", ", selection.Kept), selection.Dropped);
            }
        }

        List<string> allDiagnostics;
        List<string> allFailures;
        lock (diagnostics) { allDiagnostics = [.. diagnostics]; allFailures = [.. failures]; }

        // MSBuildWorkspace keeps a failed project as an empty shell: drop it, and give its files an ad-hoc project
        // (framework references plus the projects that did load) so they still get context.
        var failedProjects = loaded?.Projects.Where(p => p.DocumentIds.Count == 0 && p.FilePath is { } file &&
            (allFailures.Any(f => f.Contains(file, StringComparison.Ordinal)) || p.Language == LanguageNames.CSharp)).ToList() ?? [];
        foreach (var failed in failedProjects) loaded = loaded!.RemoveProject(failed.Id);
        var csharpProjects = loaded?.Projects.Count(p => p.Language == LanguageNames.CSharp) ?? 0;
        if (loaded is not null && csharpProjects > 0)
        {
            foreach (var failed in failedProjects)
            {
                var directory = Path.GetDirectoryName(failed.FilePath)!;
                loaded = AdHocProject.AddFolderProject(loaded, directory, failed.Name + " (ad hoc)", withProjectReferences: true);
            }
        }
        if (loaded is null || csharpProjects == 0)
        {
            await interimCancellation.CancelAsync().ConfigureAwait(false);
            await AwaitQuietlyAsync(interimWarmUp).ConfigureAwait(false);
            workspace.Dispose();
            var adhoc = AdHocProject.AddFolderProject(_emptyWorkspace.CurrentSolution, folder, Path.GetFileName(folder) + " (ad hoc)");
            var message = $"CodeLsp could not load {Path.GetFileName(target[0])}{(target.Count > 1 ? $" and {target.Count - 1} more" : "")}: " +
                          $"{FirstLine(allFailures.FirstOrDefault() ?? "no C# project was loaded")}. Completions use the folder's files without project information; see the log for details.";
            Publish(adhoc, new WorkspaceLoadState(WorkspaceLoadStatus.Failed, WorkspaceMode.AdHocFallback, 1, CountDocuments(adhoc), clock.Elapsed, allDiagnostics, message), null);
            return;
        }

        await interimCancellation.CancelAsync().ConfigureAwait(false);
        await AwaitQuietlyAsync(interimWarmUp).ConfigureAwait(false);

        var problems = allFailures.Select(LoadProblems.Classify).ToList();
        var notLoaded = failedProjects.Select(p => p.FilePath!)
            .Concat(target.Where(t => !IsSolutionFile(t) && !loaded!.Projects.Any(p => PathComparer.Equals(p.FilePath, t))))
            .Distinct(PathComparer).ToList();
        var partial = LoadProblems.Summarize(problems, notLoaded, csharpProjects);
        if (problems.Count > 0)
        {
            _logger.Information("Workspace load reported {Count} message(s): {Summary}", problems.Count,
                string.Join(", ", problems.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}")));
        }
        loaded = TransitiveReferences.Add(loaded!);
        loaded = WithoutUnresolvedAnalyzers(loaded);
        loaded = WithIndexedDocumentation(loaded);
        loaded = await CompilerAnalyzerConfigs.ApplyAsync(loaded, ct).ConfigureAwait(false);
        Publish(loaded!, new WorkspaceLoadState(WorkspaceLoadStatus.Loaded, WorkspaceMode.MSBuild, csharpProjects, CountDocuments(loaded!), clock.Elapsed, allDiagnostics, partial), workspace);
    }

    /// <summary>
    /// Builds the compilations of the loaded projects (dependencies first) and their declarations, so the first
    /// completion request does not pay for them. Call it in the background after <see cref="LoadAsync"/>; method
    /// bodies are never bound here.
    /// </summary>
    public Task WarmUpAsync(CancellationToken ct) => WarmUpAsync(CurrentSolution, ct);

    private static async Task WarmUpAsync(Solution solution, CancellationToken ct)
    {
        foreach (var id in solution.GetProjectDependencyGraph().GetTopologicallySortedProjects(ct))
        {
            if (solution.GetProject(id) is not { Language: LanguageNames.CSharp } project) continue;
            if (await project.GetCompilationAsync(ct).ConfigureAwait(false) is not { } compilation) continue;
            var pending = new Stack<INamespaceSymbol>();
            pending.Push(compilation.Assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                foreach (var member in pending.Pop().GetMembers())
                {
                    if (member is INamespaceSymbol ns) pending.Push(ns);
                    else if (member is INamedTypeSymbol type) _ = type.GetMembers();
                }
            }
        }
    }

    /// <summary>The open text overlaid on the current snapshot (or on the miscellaneous project when no project has the file).</summary>
    public Document GetDocument(Uri uri, SourceText openText)
    {
        var path = PathOf(uri);
        lock (_gate)
        {
            var known = _open.TryGetValue(path, out var open) && ReferenceEquals(open.Text, openText);
            if (!known)
            {
                _open[path] = (uri, openText);
                Touch(path, openText);
            }
            var ids = _solution.GetDocumentIdsWithFilePath(path);
            if (ids.IsEmpty)
            {
                var id = AddToMiscellaneous(path, openText);
                return _solution.GetDocument(id)!;
            }
            var stale = ids.Where(id => !(_solution.GetDocument(id) is { } d && d.TryGetText(out var current) && ReferenceEquals(current, openText))).ToList();
            if (stale.Count > 0)
            {
                NoteChanging(stale.Select(id => id.ProjectId));
                _solution = _solution.WithDocumentText(stale, openText, PreservationMode.PreserveIdentity);
            }
            return _solution.GetDocument(ids[0])!;
        }
    }

    /// <summary>
    /// Call before a change to documents of <paramref name="changing"/> replaces the snapshot (under the lock): those
    /// projects and the ones that depend on them are noted when they have a compilation now, which the change leaves
    /// in progress.
    /// </summary>
    private void NoteChanging(IEnumerable<ProjectId> changing)
    {
        var graph = _solution.GetProjectDependencyGraph();
        foreach (var id in changing.Distinct())
        {
            foreach (var affected in graph.GetProjectsThatTransitivelyDependOnThisProject(id).Prepend(id))
            {
                if (!_unsettled.Contains(affected) && _solution.GetProject(affected)?.TryGetCompilation(out _) == true) _unsettled.Add(affected);
            }
        }
    }

    /// <summary>
    /// Finishes the compilations that edits left in progress. After an edit Roslyn keeps a project's previous
    /// compilation, with every symbol bound while it was current, until something asks for the new one; a project
    /// nobody asks about again (a test project, after edits in the library it tests) holds it for the rest of the
    /// session. Asking now builds the new compilation, which binds nothing until asked, and lets the old one go
    /// (Polly after a 100-site editing run: 165 → 155 MB managed, ~20 ms; <c>codelsp bench solution</c>). Only
    /// projects that had a compilation: one nobody ever asked for is not built here.
    /// </summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        Solution solution;
        List<ProjectId> projects;
        lock (_gate)
        {
            solution = _solution;
            projects = [.. _unsettled];
            _unsettled.Clear();
        }
        foreach (var id in projects)
        {
            if (solution.GetProject(id) is { } project) await project.GetCompilationAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>What the server does once the user has paused: <see cref="SettleAsync"/>, then <see cref="ProcessMemory.Trim"/>.</summary>
    public async Task TrimWhenIdleAsync(CancellationToken ct)
    {
        await SettleAsync(ct).ConfigureAwait(false);
        ProcessMemory.Trim();
    }

    public void DocumentClosed(Uri uri)
    {
        var path = PathOf(uri);
        lock (_gate)
        {
            if (!_open.Remove(path)) return;
            var ids = _solution.GetDocumentIdsWithFilePath(path);
            NoteChanging(ids.Select(id => id.ProjectId));
            foreach (var id in ids)
            {
                _solution = id.ProjectId == _miscProject
                    ? _solution.RemoveDocument(id)
                    : File.Exists(path) ? _solution.WithDocumentTextLoader(id, new FileTextLoader(path, null), PreservationMode.PreserveValue) : _solution;
            }
        }
    }

    /// <summary>A file created or changed on disk: re-read it unless it is open (the editor's text wins).</summary>
    public void FileChangedOnDisk(Uri uri)
    {
        var path = PathOf(uri);
        if (IsProjectFile(path))
        {
            _logger.Information("{File} changed on disk; the solution is reloaded on the next LoadAsync", path);
            return;
        }
        if (!path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || !File.Exists(path)) return;
        lock (_gate)
        {
            if (_open.ContainsKey(path)) return;
            var ids = _solution.GetDocumentIdsWithFilePath(path);
            if (!ids.IsEmpty)
            {
                NoteChanging(ids.Select(id => id.ProjectId));
                foreach (var id in ids) _solution = _solution.WithDocumentTextLoader(id, new FileTextLoader(path, null), PreservationMode.PreserveValue);
                return;
            }
            // A new file: it belongs to the project whose folder holds it most closely.
            var owner = _solution.Projects
                .Where(p => p.Id != _miscProject && p.FilePath is not null && p.Language == LanguageNames.CSharp)
                .Select(p => (Project: p, Directory: Path.GetDirectoryName(p.FilePath)! + Path.DirectorySeparatorChar))
                .Where(p => path.StartsWith(p.Directory, PathComparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
                .Where(p => !IsBuildOutput(path[p.Directory.Length..]))
                .OrderByDescending(p => p.Directory.Length)
                .FirstOrDefault();
            if (owner.Project is null) return;
            var documentId = DocumentId.CreateNewId(owner.Project.Id, path);
            NoteChanging([owner.Project.Id]);
            _solution = _solution.AddDocument(DocumentInfo.Create(documentId, Path.GetFileName(path),
                loader: new FileTextLoader(path, null), filePath: path));
            _logger.Debug("Added {File} to {Project}", path, owner.Project.Name);
        }
    }

    public void FileDeleted(Uri uri)
    {
        var path = PathOf(uri);
        lock (_gate)
        {
            RemoveRecent(path);
            if (_open.ContainsKey(path)) return;
            var ids = _solution.GetDocumentIdsWithFilePath(path);
            if (!ids.IsEmpty)
            {
                NoteChanging(ids.Select(id => id.ProjectId));
                _solution = _solution.RemoveDocuments(ids);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _msbuild?.Dispose();
            _msbuild = null;
        }
        _emptyWorkspace.Dispose();
    }

    // ---- internals -------------------------------------------------------------------------------------------

    /// <summary>
    /// Drops analyzer references MSBuild could not resolve (a package not restored): they contribute nothing, and
    /// SymbolFinder (find references, implementations) throws on them when it checksums the solution.
    /// </summary>
    private static Solution WithoutUnresolvedAnalyzers(Solution solution)
    {
        foreach (var project in solution.Projects)
        {
            var resolved = project.AnalyzerReferences.Where(r => r is not Microsoft.CodeAnalysis.Diagnostics.UnresolvedAnalyzerReference).ToList();
            if (resolved.Count != project.AnalyzerReferences.Count) solution = solution.WithProjectAnalyzerReferences(project.Id, resolved);
        }
        return solution;
    }

    /// <summary>
    /// Gives every referenced assembly with a documentation file an <see cref="IndexedXmlDocumentationProvider"/>
    /// instead of Roslyn's, which keeps the whole file's text once a member's docs were read. The metadata (already
    /// read) is kept, one per file: every project that references the file shares it, and so the new reference.
    /// </summary>
    private static Solution WithIndexedDocumentation(Solution solution)
    {
        var replaced = new Dictionary<MetadataReference, MetadataReference>();
        var metadataByPath = new Dictionary<string, AssemblyMetadata?>(PathComparer);
        foreach (var project in solution.Projects)
        {
            var changed = false;
            var references = new List<MetadataReference>(project.MetadataReferences.Count);
            foreach (var reference in project.MetadataReferences)
            {
                if (!replaced.TryGetValue(reference, out var replacement))
                {
                    replacement = reference;
                    if (reference is PortableExecutableReference { FilePath: { } path, Properties.Kind: MetadataImageKind.Assembly } file &&
                        IndexedXmlDocumentationProvider.ForAssembly(path) is { } documentation)
                    {
                        if (!metadataByPath.TryGetValue(path, out var metadata)) metadataByPath[path] = metadata = MetadataOf(file);
                        if (metadata is not null)
                            replacement = metadata.GetReference(documentation, file.Properties.Aliases, file.Properties.EmbedInteropTypes, path, file.Display);
                    }
                    replaced[reference] = replacement;
                }
                changed |= !ReferenceEquals(replacement, reference);
                references.Add(replacement);
            }
            if (changed) solution = solution.WithProjectMetadataReferences(project.Id, references);
        }
        return solution;
    }

    /// <summary>The reference's metadata, or null when it cannot be read (the compilation reports that, as before).</summary>
    private static AssemblyMetadata? MetadataOf(PortableExecutableReference reference)
    {
        try
        {
            return reference.GetMetadata() as AssemblyMetadata;
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Publish(Solution loaded, WorkspaceLoadState state, MSBuildWorkspace? workspace)
    {
        _logger.Information("Workspace {State}", state);
        lock (_gate)
        {
            _msbuild?.Dispose();
            _msbuild = workspace;
            // The workspace's own snapshot still holds every target-framework instance MSBuild loaded; ours is the
            // one served. Let go of theirs (the workspace stays, with its build host, for its services).
            workspace?.CloseSolution();
            _solution = loaded;
            _miscProject = null;
            foreach (var (path, (_, text)) in _open)
            {
                var ids = _solution.GetDocumentIdsWithFilePath(path);
                if (ids.IsEmpty) AddToMiscellaneous(path, text);
                else _solution = _solution.WithDocumentText(ids, text, PreservationMode.PreserveIdentity);
            }
            _state = state;
        }
    }

    private DocumentId AddToMiscellaneous(string path, SourceText text)
    {
        if (_miscProject is null || _solution.GetProject(_miscProject) is null)
        {
            _miscProject = ProjectId.CreateNewId("Miscellaneous Files");
            _solution = AdHocProject.AddMiscellaneousProject(_solution, _miscProject, _folder);
        }
        var id = DocumentId.CreateNewId(_miscProject, path);
        _solution = _solution.AddDocument(DocumentInfo.Create(id, Path.GetFileName(path),
            loader: TextLoader.From(TextAndVersion.Create(text, VersionStamp.Create(), path)), filePath: path));
        return id;
    }

    private void Touch(string path, SourceText text)
    {
        RemoveRecent(path);
        _recent.AddFirst(new RecentDocument(path, text));
        while (_recent.Count > MaxRecentDocuments) _recent.RemoveLast();
        Volatile.Write(ref _recentSnapshot, [.. _recent]);
    }

    private void RemoveRecent(string path)
    {
        for (var node = _recent.First; node is not null; node = node.Next)
        {
            if (!PathComparer.Equals(node.Value.Path, path)) continue;
            _recent.Remove(node);
            Volatile.Write(ref _recentSnapshot, [.. _recent]);
            return;
        }
    }

    private async Task AwaitQuietlyAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The real solution arrived first.
        }
        catch (Exception e)
        {
            _logger.Debug(e, "Warming up the interim project failed");
        }
    }

    private static int CountDocuments(Solution solution) => solution.Projects.Sum(p => p.DocumentIds.Count);

    public static string PathOf(Uri uri) => uri.IsFile ? Path.GetFullPath(uri.LocalPath) : uri.ToString();

    private static bool IsSolutionFile(string path) =>
        path.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase);

    private static bool IsProjectFile(string path) =>
        IsSolutionFile(path) || path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) ||
        path.EndsWith(".props", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".targets", StringComparison.OrdinalIgnoreCase);

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase) ||
        relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>
    /// What to load: the solution file at the top of the folder (the first by name when there are several), else the
    /// solution files one level down, else every .csproj under the folder.
    /// </summary>
    internal static IReadOnlyList<string> FindLoadTarget(string folder)
    {
        static List<string> Solutions(string directory) =>
            Directory.EnumerateFiles(directory).Where(IsSolutionFile).Order(StringComparer.Ordinal).ToList();
        var top = Solutions(folder);
        if (top.Count > 0) return [top[0]];
        foreach (var child in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(child).StartsWith('.')) continue;
            var nested = Solutions(child);
            if (nested.Count > 0) return [nested[0]];
        }
        return Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>MSBuild's per-project progress, forwarded as load progress and logged.</summary>
    private sealed class ProgressAdapter(IProgress<WorkspaceLoadProgress>? progress, ILogger logger) : IProgress<ProjectLoadProgress>
    {
        public void Report(ProjectLoadProgress value)
        {
            var tfm = value.TargetFramework is null ? "" : $" ({value.TargetFramework})";
            logger.Debug("{Operation} {Project}{Tfm} in {Elapsed} ms", value.Operation, value.FilePath, tfm, (int)value.ElapsedTime.TotalMilliseconds);
            progress?.Report(new WorkspaceLoadProgress($"{value.Operation} {Path.GetFileName(value.FilePath)}{tfm}", value.FilePath));
        }
    }
}
