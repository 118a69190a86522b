using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// The .NET reference assemblies (with their XML docs) for ad-hoc projects: the newest
/// Microsoft.NETCore.App.Ref pack next to the running runtime, else the runtime's own assemblies. One set, shared by
/// every ad-hoc project while any project holds it; once none does (the interim project of a finished load), the
/// set — its metadata read into memory and the symbols compilations built from it — is let go, and made again when
/// the next ad-hoc project needs it.
/// </summary>
internal static class FrameworkReferences
{
    private static readonly Lock Gate = new();

    /// <summary>The set, alive as long as its first reference is (every project using the set holds all of it).</summary>
    private static readonly ConditionalWeakTable<MetadataReference, MetadataReference[]> Sets = new();

    private static WeakReference<MetadataReference>? s_first;

    public static ImmutableArray<MetadataReference> All
    {
        get
        {
            lock (Gate)
            {
                if (s_first?.TryGetTarget(out var first) == true && Sets.TryGetValue(first, out var alive)) return [.. alive];
                var created = Create();
                if (created.IsEmpty) return created;
                Sets.AddOrUpdate(created[0], [.. created]);
                s_first = new WeakReference<MetadataReference>(created[0]);
                return created;
            }
        }
    }

    private static ImmutableArray<MetadataReference> Create()
    {
        var directory = FindReferencePack();
        IEnumerable<string> files = directory is not null
            ? Directory.EnumerateFiles(directory, "*.dll")
            : ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(f => Path.GetFileName(f) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "System.dll" or "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll"));
        var references = ImmutableArray.CreateBuilder<MetadataReference>();
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            references.Add(MetadataReference.CreateFromFile(file, documentation: IndexedXmlDocumentationProvider.ForAssembly(file)));
        }
        return references.ToImmutable();
    }

    private static string? FindReferencePack()
    {
        // runtime dir: <dotnet>/shared/Microsoft.NETCore.App/<version>/
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        if (!Directory.Exists(packs)) return null;
        var major = Environment.Version.Major;
        foreach (var version in Directory.GetDirectories(packs).OrderByDescending(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version()))
        {
            var candidate = Path.Combine(version, "ref", $"net{major}.0");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
