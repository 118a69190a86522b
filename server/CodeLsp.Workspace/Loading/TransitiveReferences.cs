using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// SDK-style projects compile against the projects their references reference (App → Services → Domain lets App
/// use Domain's types). MSBuildWorkspace's design-time build lists only direct references, so without this App's
/// compilation reports every Domain type as unknown — wrong context, and valid suggestions failing the compile check.
/// </summary>
internal static class TransitiveReferences
{
    public static Solution Add(Solution solution)
    {
        foreach (var projectId in solution.ProjectIds)
        {
            var project = solution.GetProject(projectId)!;
            var direct = project.ProjectReferences.Select(r => r.ProjectId).ToHashSet();
            var closure = new HashSet<ProjectId>();
            var pending = new Stack<ProjectId>(direct);
            while (pending.TryPop(out var next))
            {
                if (next == projectId || !closure.Add(next)) continue;
                foreach (var reference in solution.GetProject(next)?.ProjectReferences ?? []) pending.Push(reference.ProjectId);
            }
            var missing = closure.Where(id => !direct.Contains(id) && solution.GetProject(id)?.Language == project.Language).ToList();
            if (missing.Count > 0) solution = solution.AddProjectReferences(projectId, missing.Select(id => new ProjectReference(id)));
        }
        return solution;
    }
}
