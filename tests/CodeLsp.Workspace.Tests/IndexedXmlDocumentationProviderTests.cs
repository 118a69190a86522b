using System.Text;
using CodeLsp.Workspace.Loading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace CodeLsp.Workspace.Tests;

/// <summary>
/// The indexed documentation provider answers exactly as Roslyn's file provider does, for every symbol of a library
/// compiled here with its XML documentation file (generic members, operators, nested types, entities, CDATA, code
/// blocks, undocumented members, a member documented twice).
/// </summary>
public sealed class IndexedXmlDocumentationProviderTests : IDisposable
{
    private const string Library = """
        namespace Lib
        {
            /// <summary>A widget &amp; its <see cref="Part{T}"/> parts: 1 &lt; 2.</summary>
            /// <remarks>
            /// <para>First paragraph.</para>
            /// <code>
            /// var w = new Widget();   // indented
            ///     w.Spin&lt;int&gt;(3);
            /// </code>
            /// <![CDATA[ raw <text> & more ]]>
            /// </remarks>
            public class Widget
            {
                /// <summary>Spins <paramref name="times"/> times.</summary>
                /// <typeparam name="T">The kind of spin.</typeparam>
                /// <param name="times">How often.</param>
                /// <returns>The spun <typeparamref name="T"/>.</returns>
                public T Spin<T>(int times) => default!;

                /// <summary>Adds two widgets — «unicode» ✓.</summary>
                public static Widget operator +(Widget a, Widget b) => a;

                /// <summary>The name.</summary>
                public string Name { get; set; } = "";

                public int Undocumented() => 0;

                /// <summary>Nested.</summary>
                public sealed class Inner
                {
                    /// <summary>An event.</summary>
                    public event System.EventHandler? Changed;

                    /// <summary>A field.</summary>
                    public int Field;

                    /// <summary>An indexer.</summary>
                    public int this[string key, int index] => 0;

                    private void Raise() => Changed?.Invoke(this, System.EventArgs.Empty);
                }
            }

            /// <summary>A part of <typeparamref name="T"/>.</summary>
            public struct Part<T> where T : struct
            {
                /// <summary>Converts.</summary>
                public static implicit operator T(Part<T> part) => default;

                /// <summary>Generic in a generic.</summary>
                public U[] Map<U>(System.Func<T, U> map, ref int count, out string name) { name = ""; return []; }
            }
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("codelsp-docs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Answers_every_symbol_as_Roslyns_provider_does()
    {
        var dll = Emit();
        var xml = Path.ChangeExtension(dll, ".xml");
        // A member documented twice: the later element wins in Roslyn's provider.
        File.WriteAllText(xml, File.ReadAllText(xml).Replace("</members>", "<member name=\"P:Lib.Widget.Name\"><summary>The name, again.</summary></member>\n</members>", StringComparison.Ordinal));

        var indexed = IndexedXmlDocumentationProvider.ForAssembly(dll);
        Assert.IsType<IndexedXmlDocumentationProvider>(indexed);
        var expected = Symbols(MetadataReference.CreateFromFile(dll, documentation: XmlDocumentationProvider.CreateFromFile(xml)));
        var actual = Symbols(MetadataReference.CreateFromFile(dll, documentation: indexed));

        Assert.Equal(expected.Select(s => s.Id), actual.Select(s => s.Id));
        Assert.True(expected.Count > 15, $"only {expected.Count} symbols");
        Assert.Contains(expected, s => s.Docs.Contains("The name, again.", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.Id == "M:Lib.Widget.Undocumented" && s.Docs.Length == 0);
        foreach (var (e, a) in expected.Zip(actual)) Assert.Equal(e.Docs, a.Docs);
    }

    /// <summary>The real thing: System.Runtime's reference assembly from the SDK's targeting pack (17,000 documented members).</summary>
    [Fact]
    public void Answers_every_symbol_of_the_SDKs_System_Runtime_as_Roslyns_provider_does()
    {
        var dotnet = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var dll = Directory.EnumerateFiles(Path.Combine(dotnet, "packs", "Microsoft.NETCore.App.Ref"), "System.Runtime.dll", SearchOption.AllDirectories)
            .Where(f => File.Exists(Path.ChangeExtension(f, ".xml"))).Order(StringComparer.Ordinal).LastOrDefault();
        Assert.True(dll is not null, $"no targeting pack with System.Runtime.xml under {dotnet}");
        var indexed = IndexedXmlDocumentationProvider.ForAssembly(dll!);
        Assert.IsType<IndexedXmlDocumentationProvider>(indexed);
        var expected = Symbols(MetadataReference.CreateFromFile(dll!, documentation: XmlDocumentationProvider.CreateFromFile(Path.ChangeExtension(dll!, ".xml"))), withBasics: false);
        var actual = Symbols(MetadataReference.CreateFromFile(dll!, documentation: indexed), withBasics: false);
        Assert.True(expected.Count(s => s.Docs.Length > 0) > 5000, $"{expected.Count(s => s.Docs.Length > 0)} documented symbols");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void No_documentation_file_gives_no_provider_and_a_vanished_file_gives_empty_docs()
    {
        var dll = Emit();
        var xml = Path.ChangeExtension(dll, ".xml");
        var indexed = IndexedXmlDocumentationProvider.ForAssembly(dll)!;
        var reference = MetadataReference.CreateFromFile(dll, documentation: indexed);
        Assert.Contains(Symbols(reference), s => s.Id == "T:Lib.Widget" && s.Docs.Contains("A widget", StringComparison.Ordinal));

        File.Delete(xml);
        Assert.Null(IndexedXmlDocumentationProvider.ForAssembly(dll));
        // Indexed before the file went away: the docs are gone, nothing throws.
        Assert.All(Symbols(MetadataReference.CreateFromFile(dll, documentation: indexed)), s => Assert.Equal("", s.Docs));
    }

    [Fact]
    public void A_utf16_file_is_left_to_Roslyns_provider()
    {
        var dll = Emit();
        var xml = Path.ChangeExtension(dll, ".xml");
        File.WriteAllText(xml, File.ReadAllText(xml).Replace("utf-8", "utf-16", StringComparison.OrdinalIgnoreCase), Encoding.Unicode);
        var provider = IndexedXmlDocumentationProvider.ForAssembly(dll);
        Assert.NotNull(provider);
        Assert.IsNotType<IndexedXmlDocumentationProvider>(provider);
        Assert.Contains(Symbols(MetadataReference.CreateFromFile(dll, documentation: provider)), s => s.Docs.Contains("Spins", StringComparison.Ordinal));
    }

    private string Emit()
    {
        var dll = Path.Combine(_folder, $"Lib{Guid.NewGuid():N}.dll");
        var compilation = CSharpCompilation.Create(Path.GetFileNameWithoutExtension(dll),
            [CSharpSyntaxTree.ParseText(Library, new CSharpParseOptions(documentationMode: DocumentationMode.Diagnose))],
            Basic.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = File.Create(dll);
        using var docs = File.Create(Path.ChangeExtension(dll, ".xml"));
        var result = compilation.Emit(pe, xmlDocumentationStream: docs, options: new EmitOptions());
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return dll;
    }

    /// <summary>Every type and member of the library, with its documentation as a consumer compilation reads it.</summary>
    private static List<(string Id, string Docs)> Symbols(MetadataReference library, bool withBasics = true)
    {
        var consumer = CSharpCompilation.Create("Consumer", [], withBasics ? [.. Basic.References, library] : [library]);
        var assembly = consumer.GetAssemblyOrModuleSymbol(library) as IAssemblySymbol;
        Assert.NotNull(assembly);
        var symbols = new List<(string, string)>();
        var pending = new Stack<INamespaceOrTypeSymbol>([assembly!.GlobalNamespace]);
        while (pending.TryPop(out var container))
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceOrTypeSymbol nested) pending.Push(nested);
                if (member is INamespaceSymbol || member.IsImplicitlyDeclared) continue;
                symbols.Add((member.GetDocumentationCommentId()!, member.GetDocumentationCommentXml() ?? ""));
            }
        }
        return [.. symbols.OrderBy(s => s.Item1, StringComparer.Ordinal)];
    }

    private static class Basic
    {
        public static readonly MetadataReference[] References =
            [.. new[] { typeof(object), typeof(Func<>), typeof(EventHandler) }.Select(t => t.Assembly.Location).Distinct()
                .Append(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll"))
                .Select(path => MetadataReference.CreateFromFile(path))];
    }
}
