using System.Globalization;

namespace CodeLsp.Workspace;

/// <summary>How the MSBuild projects are read.</summary>
public sealed record WorkspaceLoadOptions
{
    /// <summary>The target framework to use for multi-targeted projects that have it (e.g. "net8.0"); null: the newest.</summary>
    public string? TargetFramework { get; init; }

    /// <summary>Keep every target framework of a multi-targeted project (N compilations of the same files).</summary>
    public bool AllTargetFrameworks { get; init; }

    public static WorkspaceLoadOptions Default { get; } = new();

    public override string ToString() => AllTargetFrameworks ? "all target frameworks" :
        string.Create(CultureInfo.InvariantCulture, $"one target framework per project ({TargetFramework ?? "newest"})");
}
