using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// What opening a document warms beyond its unedited sites: the same sites as while typing there (the line cut at the
/// caret, and a <c>new </c> on a line of its own in a block), and the documentation files of the assemblies it imports.
/// </summary>
public sealed class OpeningWarmUpTests
{
    private const string Source = """
        using System.Text;
        using Alias = System.IO.Path;
        using static System.Math;
        namespace Shop;
        class C
        {
            int Arrow() => "abc".Length;

            void Block(StringBuilder builder)
            {
                var x = 1;
                builder.Append("x").Append(x);
            }
        }
        """;

    /// <summary>
    /// Sites by the text just before them ('|' between sites); each edit shown as the caret's line (trimmed), which
    /// must end at the caret, and for the typed <c>new</c> " / " and the line after it.
    /// </summary>
    [Theory]
    [InlineData("\"abc\".|builder.Append(", "int Arrow() => \"abc\".|builder.Append(|_ = new / builder.Append(\"x\").Append(x);")]
    [InlineData("\"abc\".", "int Arrow() => \"abc\".|_ = new / var x = 1;")] // no site in a block: the document's first statement in one
    [InlineData("", "_ = new / var x = 1;")]
    public void Cuts_each_line_at_its_site_and_types_new_in_a_block(string sitesBefore, string expected)
    {
        var text = SourceText.From(Source);
        var root = CSharpSyntaxTree.ParseText(Source).GetRoot();
        var offsets = sitesBefore.Length == 0 ? [] : sitesBefore.Split('|').Select(s => Source.IndexOf(s, StringComparison.Ordinal) + s.Length).ToList();

        var shown = SemanticContextBuilder.TypingEdits(text, root, offsets).Select(edit =>
        {
            var after = text.WithChanges(edit.Change);
            var line = after.Lines.GetLineFromPosition(edit.Offset);
            var caretLine = after.ToString(line.Span);
            // Nothing but white space after the caret on its line.
            Assert.Equal(caretLine.TrimEnd(), caretLine[..(edit.Offset - line.Start)].TrimEnd());
            var shownLine = caretLine.Trim();
            return shownLine == "_ = new" ? shownLine + " / " + after.Lines[line.LineNumber + 1].ToString().Trim() : shownLine;
        });

        Assert.Equal(expected, string.Join("|", shown));
    }

    [Fact]
    public async Task Warming_the_typing_paths_leaves_the_documents_model_to_reuse()
    {
        const string source = """
            using System;
            namespace Shop;
            class C
            {
                private readonly Func<int, int> _hash = x => { return x.GetHashCode(); };

                int Block(string name)
                {
                    var length = name.Length;
                    return length;
                }
            }
            """;
        var document = TestSolution.Create(source);
        var builder = new SemanticContextBuilder();
        Assert.NotNull(await builder.GetFullModelAsync(document, CancellationToken.None));
        // A site in a field's lambda (no body to bind speculatively: a full model of the cut text) and one in a method.
        int[] offsets = [source.IndexOf("x.", StringComparison.Ordinal) + 2, source.IndexOf("name.", StringComparison.Ordinal) + 5];

        await builder.PrepareTypingAsync(document, offsets, () => false, CancellationToken.None);

        var text = await document.GetTextAsync();
        var at = source.IndexOf("return length;", StringComparison.Ordinal);
        var edited = document.WithText(text.WithChanges(new TextChange(new TextSpan(at, 0), "name.")));
        var model = await builder.GetModelAsync(edited, at + 5, CancellationToken.None);
        Assert.NotNull(model);
        Assert.True(model.IsSpeculativeSemanticModel, "the document's own model is still the one reused");
    }

    [Fact]
    public async Task Reads_the_documentation_of_the_core_library_and_of_imported_namespaces_only()
    {
        var document = TestSolution.Create(Source);
        var compilation = (await document.Project.GetCompilationAsync())!;

        var names = ImportedDocumentation.Assemblies(compilation, (await document.GetSyntaxRootAsync())!).Select(a => a.Name).ToList();

        Assert.Equal("System.Runtime", names[0]);
        Assert.Contains("System.Text.Encoding.Extensions", names); // System.Text is spread over several assemblies
        Assert.DoesNotContain("System.Linq", names);               // not imported here
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.True(names.Count <= 24);

        // Reading them ahead is safe to call, and a request arriving stops it at once.
        await ImportedDocumentation.WarmAsync(document, () => true, CancellationToken.None);
        await ImportedDocumentation.WarmAsync(document, () => false, CancellationToken.None);
    }
}
