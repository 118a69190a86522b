using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// MSBuildWorkspace gives a multi-targeted project once per target framework ("Polly.Core(net8.0)",
/// "Polly.Core(netstandard2.0)" …): the same files compiled N times, N compilations in memory, and a document that
/// belongs to N projects. Completions need one view of each file, so one instance per project file is kept: the one
/// for <see cref="WorkspaceLoadOptions.TargetFramework"/> when the project has it and it loaded with references, else the newest framework that
/// loaded with references (.NET over .NET Standard over .NET Framework; without an OS-specific suffix first).
/// References to a dropped instance are pointed at the kept one.
/// </summary>
internal static class TargetFrameworkSelection
{
    public sealed record Result(Solution Solution, IReadOnlyList<string> Kept, int Dropped);

    public static Result KeepOnePerProject(Solution solution, string? preferred)
    {
        var groups = solution.Projects
            .Where(p => p.FilePath is not null && TargetFrameworkOf(p.Name) is not null)
            .GroupBy(p => p.FilePath!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .ToList();
        if (groups.Count == 0) return new Result(solution, [], 0);

        var replacement = new Dictionary<ProjectId, ProjectId>();
        var kept = new List<string>();
        foreach (var group in groups)
        {
            var chosen = Choose(group.ToList(), preferred);
            kept.Add(chosen.Name);
            foreach (var other in group.Where(p => p.Id != chosen.Id)) replacement[other.Id] = chosen.Id;
        }

        foreach (var project in solution.Projects.Where(p => !replacement.ContainsKey(p.Id)).ToList())
        {
            var current = solution.GetProject(project.Id)!;
            if (!current.ProjectReferences.Any(r => replacement.ContainsKey(r.ProjectId))) continue;
            var references = new List<ProjectReference>();
            foreach (var reference in current.ProjectReferences)
            {
                var target = replacement.GetValueOrDefault(reference.ProjectId, reference.ProjectId);
                if (target == project.Id || references.Any(r => r.ProjectId == target)) continue;
                references.Add(new ProjectReference(target, reference.Aliases, reference.EmbedInteropTypes));
            }
            solution = solution.WithProjectReferences(project.Id, references);
        }
        foreach (var dropped in replacement.Keys) solution = solution.RemoveProject(dropped);
        return new Result(solution, kept, replacement.Count);
    }

    /// <summary>The instance to keep among one project file's instances.</summary>
    internal static Project Choose(IReadOnlyList<Project> instances, string? preferred)
    {
        // The asked-for framework wins when it loaded with references (an unrestored or unbuildable one has none).
        if (preferred is { Length: > 0 } &&
            instances.FirstOrDefault(p => string.Equals(TargetFrameworkOf(p.Name), preferred, StringComparison.OrdinalIgnoreCase) && p.MetadataReferences.Count > 0) is { } asked)
        {
            return asked;
        }
        return instances
            .OrderByDescending(p => p.MetadataReferences.Count > 0)
            .ThenByDescending(p => Rank(TargetFrameworkOf(p.Name)!))
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .First();
    }

    /// <summary>"Polly.Core(net8.0)" → "net8.0"; null for a name without a target framework.</summary>
    internal static string? TargetFrameworkOf(string projectName)
    {
        if (!projectName.EndsWith(')')) return null;
        var open = projectName.LastIndexOf('(');
        return open <= 0 ? null : projectName[(open + 1)..^1];
    }

    /// <summary>
    /// How new a target framework is, comparable across families: .NET (5+ and netcoreapp) above .NET Standard above
    /// .NET Framework above anything unknown; within a family by version; an OS-specific one ("net8.0-windows") just
    /// below the plain one of the same version.
    /// </summary>
    internal static (int Family, Version Version, int Plain) Rank(string tfm)
    {
        var dash = tfm.IndexOf('-', StringComparison.Ordinal);
        var plain = dash < 0 ? 1 : 0;
        var name = (dash < 0 ? tfm : tfm[..dash]).ToLowerInvariant();
        if (name.StartsWith("netcoreapp", StringComparison.Ordinal) && TryVersion(name["netcoreapp".Length..], out var core)) return (3, core, plain);
        if (name.StartsWith("netstandard", StringComparison.Ordinal) && TryVersion(name["netstandard".Length..], out var standard)) return (2, standard, plain);
        if (name.StartsWith("net", StringComparison.Ordinal))
        {
            var digits = name[3..];
            if (digits.Contains('.', StringComparison.Ordinal) && TryVersion(digits, out var modern)) return (3, modern, plain);
            // .NET Framework: net48 → 4.8, net462 → 4.6.2.
            if (digits.Length is >= 2 and <= 3 && digits.All(char.IsAsciiDigit))
            {
                return (1, new Version(digits[0] - '0', digits[1] - '0', digits.Length == 3 ? digits[2] - '0' : 0), plain);
            }
        }
        return (0, new Version(0, 0), plain);
    }

    private static bool TryVersion(string text, out Version version)
    {
        if (Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out version!)) return true;
        version = new Version(0, 0);
        return false;
    }
}
