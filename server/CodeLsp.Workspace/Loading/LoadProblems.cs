using System.Text.RegularExpressions;

namespace CodeLsp.Workspace.Loading;

/// <summary>What a message MSBuildWorkspace reports while loading means for the user.</summary>
public enum LoadProblemKind
{
    /// <summary>Does not change what completions know (NuGet picked a nearby version, a package downgrade or support note).</summary>
    Harmless,

    /// <summary>Packages are not restored: their types are unknown to context and compile checks. Fix: dotnet restore.</summary>
    MissingPackage,

    /// <summary>An MSBuild SDK the project names is not installed: the project cannot be evaluated.</summary>
    MissingSdk,

    /// <summary>Anything else: logged; the user hears of it only when a project did not load.</summary>
    Other,
}

/// <summary>
/// Sorts the messages of a workspace load (MSBuildWorkspace reports NuGet's warnings as "Msbuild failed when
/// processing the file …" failures) and writes the one line the user is shown: only what changes their experience —
/// projects that did not load, packages that are not restored — with the fix, or nothing.
/// </summary>
public static partial class LoadProblems
{
    public sealed record Problem(LoadProblemKind Kind, string? Project, string? Subject, string Message);

    public static Problem Classify(string message)
    {
        var project = ProjectFile().Match(message) is { Success: true } p && p.Groups[1].Value.Length > 0 ? p.Groups[1].Value : null;
        var body = project is null && !message.StartsWith("Msbuild failed", StringComparison.OrdinalIgnoreCase) ? message : WithMessage().Match(message) is { Success: true } m ? m.Groups[1].Value : message;
        if (ResolvedInstead().IsMatch(body) || body.Contains("Detected package downgrade", StringComparison.Ordinal) ||
            body.Contains("has not been tested with it", StringComparison.Ordinal) || body.Contains("NU1603", StringComparison.Ordinal) ||
            body.Contains("NU1605", StringComparison.Ordinal) || body.Contains("NU1701", StringComparison.Ordinal) || VulnerablePackage().IsMatch(body))
        {
            return new Problem(LoadProblemKind.Harmless, project, null, message);
        }
        if (PackageNotFound().Match(body) is { Success: true } package) return new Problem(LoadProblemKind.MissingPackage, project, package.Groups[1].Value.TrimEnd('.'), message);
        if (body.Contains("project.assets.json", StringComparison.Ordinal) || body.Contains("NETSDK1004", StringComparison.Ordinal) ||
            body.Contains("Run a NuGet package restore", StringComparison.Ordinal))
        {
            return new Problem(LoadProblemKind.MissingPackage, project, null, message);
        }
        if (SdkNotFound().Match(body) is { Success: true } sdk)
        {
            var name = sdk.Groups[1].Success ? sdk.Groups[1].Value : sdk.Groups[2].Value;
            return new Problem(LoadProblemKind.MissingSdk, project, name.Split('/')[0], message);
        }
        return new Problem(LoadProblemKind.Other, project, null, message);
    }

    /// <summary>
    /// The line for the user, or null when nothing they would notice went wrong. <paramref name="notLoaded"/>: the
    /// project files that did not load (their files are read as an ad-hoc project).
    /// </summary>
    public static string? Summarize(IReadOnlyList<Problem> problems, IReadOnlyList<string> notLoaded, int loadedProjects)
    {
        var parts = new List<string>();
        if (notLoaded.Count > 0)
        {
            var names = string.Join(", ", notLoaded.Select(Path.GetFileNameWithoutExtension).Distinct().Take(3)) + (notLoaded.Count > 3 ? $" and {notLoaded.Count - 3} more" : "");
            var sdks = problems.Where(p => p.Kind == LoadProblemKind.MissingSdk && p.Subject is not null && (p.Project is null || notLoaded.Contains(p.Project)))
                .Select(p => p.Subject!).Distinct().ToList();
            var why = sdks.Count > 0 ? $": the MSBuild SDK {string.Join(", ", sdks)} is not installed" :
                problems.FirstOrDefault(p => p.Kind == LoadProblemKind.Other && p.Project is not null && notLoaded.Contains(p.Project)) is { } other ? $": {FirstLine(other.Message)}" : "";
            parts.Add($"{notLoaded.Count} project(s) could not be loaded ({names}){why}; their files are read without project settings");
        }
        var missing = problems.Where(p => p.Kind == LoadProblemKind.MissingPackage && (p.Project is null || !notLoaded.Contains(p.Project))).ToList();
        if (missing.Count > 0)
        {
            var projects = missing.Select(p => p.Project).OfType<string>().Distinct().Count();
            var packages = missing.Select(p => p.Subject).OfType<string>().Distinct().ToList();
            var list = packages.Count == 0 ? "" : $" ({string.Join(", ", packages.Take(4))}{(packages.Count > 4 ? $" and {packages.Count - 4} more" : "")})";
            parts.Add($"{(projects > 0 ? projects.ToString(System.Globalization.CultureInfo.InvariantCulture) : "some")} project(s) use NuGet packages that are not restored{list}, so their types are unknown to suggestions; run `dotnet restore` (or check the package sources) and reopen the folder");
        }
        if (parts.Count == 0) return null;
        return $"CodeLsp loaded {loadedProjects} project(s), but {string.Join("; ", parts)}.";
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    [GeneratedRegex(@"processing the file '([^']*)'")]
    private static partial Regex ProjectFile();

    [GeneratedRegex(@"with message: (.*)$", RegexOptions.Singleline)]
    private static partial Regex WithMessage();

    [GeneratedRegex(@"depends on .+ but .+ was not found\. .+ was resolved instead")]
    private static partial Regex ResolvedInstead();

    [GeneratedRegex(@"Package '[^']+' [^ ]+ has a known (low|moderate|high|critical) severity vulnerability")]
    private static partial Regex VulnerablePackage();

    [GeneratedRegex(@"Unable to find package ([A-Za-z0-9_.\-]+)")]
    private static partial Regex PackageNotFound();

    [GeneratedRegex(@"(?:The SDK '([^']+)' specified could not be found|Could not resolve SDK ""([^""]+)"")")]
    private static partial Regex SdkNotFound();
}
