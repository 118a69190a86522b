using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>The new test file declares at least one test method of the project's framework.</summary>
internal sealed class HasTestMethodGate(TestFramework framework) : IValidationGate
{
    public string Name => "has tests";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var root = await candidate.Edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var count = root!.DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Count(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => framework.TestAttributes.Contains(LastName(a.Name.ToString()))));
        return count > 0
            ? new GateVerdict(Name, true, $"{count} {framework.Name} test method(s)")
            : new GateVerdict(Name, false, $"no method with [{string.Join("] or [", framework.TestAttributes)}]");
    }

    private static string LastName(string name)
    {
        var dot = name.LastIndexOf('.');
        var last = dot < 0 ? name : name[(dot + 1)..];
        return last.EndsWith("Attribute", StringComparison.Ordinal) ? last[..^"Attribute".Length] : last;
    }
}

/// <summary>A unit-test framework: how a project shows it references it, and how its tests are marked.</summary>
internal sealed record TestFramework(string Name, string AssemblyName, string Namespace, IReadOnlyList<string> TestAttributes)
{
    public static readonly TestFramework XUnit = new("xUnit", "xunit.core", "Xunit", ["Fact", "Theory"]);
    public static readonly TestFramework XUnitV3 = new("xUnit", "xunit.v3.core", "Xunit", ["Fact", "Theory"]);
    public static readonly TestFramework NUnit = new("NUnit", "nunit.framework", "NUnit.Framework", ["Test", "TestCase"]);
    public static readonly TestFramework MSTest = new("MSTest", "Microsoft.VisualStudio.TestPlatform.TestFramework", "Microsoft.VisualStudio.TestTools.UnitTesting", ["TestMethod", "DataTestMethod"]);

    public static IReadOnlyList<TestFramework> All { get; } = [XUnit, XUnitV3, NUnit, MSTest];

    /// <summary>The framework a project references (by its metadata references' file names: no compilation needed).</summary>
    public static TestFramework? Of(Microsoft.CodeAnalysis.Project project)
    {
        var names = project.MetadataReferences.OfType<Microsoft.CodeAnalysis.PortableExecutableReference>()
            .Select(r => Path.GetFileNameWithoutExtension(r.FilePath ?? r.Display ?? "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return All.FirstOrDefault(f => names.Contains(f.AssemblyName));
    }
}
