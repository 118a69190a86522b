namespace CodeLsp.Workspace;

public enum WorkspaceLoadStatus
{
    NotLoaded,
    Loading,
    Loaded,
    Failed,
}

/// <summary>How the solution was obtained: MSBuild evaluation, or an ad-hoc project of the folder's files.</summary>
public enum WorkspaceMode
{
    None,
    MSBuild,
    AdHocUntrusted,
    AdHocFallback,
}

/// <summary>
/// Where loading stands. <see cref="UserMessage"/> is the one line to show the user (window/showMessage) when
/// something went wrong, null when all is well; <see cref="Diagnostics"/> has every message, for the log.
/// </summary>
public sealed record WorkspaceLoadState(
    WorkspaceLoadStatus Status,
    WorkspaceMode Mode,
    int ProjectCount,
    int DocumentCount,
    TimeSpan Elapsed,
    IReadOnlyList<string> Diagnostics,
    string? UserMessage)
{
    public static readonly WorkspaceLoadState NotLoaded = new(WorkspaceLoadStatus.NotLoaded, WorkspaceMode.None, 0, 0, TimeSpan.Zero, [], null);

    public override string ToString() =>
        $"{Status} ({Mode}): {ProjectCount} projects, {DocumentCount} documents in {Elapsed.TotalSeconds:F1} s" +
        (UserMessage is null ? "" : $"; {UserMessage}");
}

/// <summary>One step of loading, for $/progress: a message and, while MSBuild works, the project it works on.</summary>
public sealed record WorkspaceLoadProgress(string Message, string? ProjectFile = null);
