using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// The usage index recounts only the subtrees an edit changed; after every edit its counts must equal a full count
/// of the same snapshot by a fresh index, whatever the edit did to the tree (a new call, an unbalanced brace that
/// reshapes the rest of the file, a deleted member, undoing it).
/// </summary>
public sealed class UsageIndexTests
{
    private const string Source = """
        using Shop;

        class Checkout
        {
            private readonly Order _order = new();

            Money Sum() => _order.Total().Add(Money.Zero("EUR"));

            void Fill()
            {
                _order.AddLine("a", 1);
                _order.AddLine("b", 2);
                var total = Sum();
            }

            void Clear() { _order.Touch(); }
        }
        """;

    public static TheoryData<string, string, string> Edits => new()
    {
        // name, text to find, its replacement
        { "a new call", "var total = Sum();", "var total = Sum(); Fill(); _order.AddLine(\"c\", 3);" },
        { "a renamed use", "_order.Touch()", "_order.Tick()" },
        { "an unbalanced brace", "void Fill()\n    {", "void Fill()\n    {{" },
        { "a deleted member", "void Clear() { _order.Touch(); }", "" },
        { "a half-typed member access", "var total = Sum();", "var total = Sum(); _order." },
        { "a comment that swallows code", "_order.AddLine(\"a\", 1);", "/* _order.AddLine(\"a\", 1);" },
    };

    [Fact]
    public void Counting_a_solution_caches_no_tree_in_it()
    {
        var solution = TestSolution.Create(Source).Project.Solution;
        var index = new UsageIndex();

        index.Update(solution, CancellationToken.None);

        Assert.Equal(2, index.Count("AddLine")); // the two calls in Fill; the Library's declaration is not a use
        Assert.All(solution.Projects.SelectMany(p => p.Documents), d => Assert.False(d.TryGetSyntaxTree(out _), d.Name));
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public async Task Counts_after_an_edit_and_its_undo_equal_a_full_recount(string name, string find, string replacement)
    {
        var document = TestSolution.Create(Source);
        var index = new UsageIndex();
        index.Update(document.Project.Solution, CancellationToken.None);

        var text = await document.GetTextAsync();
        var at = text.ToString().IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, name);
        var edited = document.WithText(text.WithChanges(new TextChange(new TextSpan(at, find.Length), replacement)));
        await edited.GetSyntaxTreeAsync(); // parsed incrementally from the counted tree, as the editor's snapshots are
        index.Update(edited.Project.Solution, CancellationToken.None);
        await AssertSameAsFullCount(index, edited.Project.Solution, document.Project.Solution);

        var undone = edited.WithText(text);
        index.Update(undone.Project.Solution, CancellationToken.None);
        await AssertSameAsFullCount(index, undone.Project.Solution, edited.Project.Solution);
    }

    /// <summary>As above, with the file opened first (the same text, parsed): the edit diffs from the opened snapshot's tree.</summary>
    [Theory]
    [MemberData(nameof(Edits))]
    public async Task Counts_after_opening_and_an_edit_equal_a_full_recount(string name, string find, string replacement)
    {
        var document = TestSolution.Create(Source);
        var index = new UsageIndex();
        index.Update(document.Project.Solution, CancellationToken.None);
        var text = await document.GetTextAsync();
        var opened = document.WithText(SourceText.From(text.ToString())); // the editor's copy of the file on disk
        await opened.GetSyntaxTreeAsync();
        index.Update(opened.Project.Solution, CancellationToken.None);

        var openedText = await opened.GetTextAsync();
        var at = openedText.ToString().IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, name);
        var edited = opened.WithText(openedText.WithChanges(new TextChange(new TextSpan(at, find.Length), replacement)));
        await edited.GetSyntaxTreeAsync();
        index.Update(edited.Project.Solution, CancellationToken.None);
        await AssertSameAsFullCount(index, edited.Project.Solution, document.Project.Solution);
    }

    /// <summary>As above, with the counted snapshot's own document parsed since (the editor's open file): the edit is a diff from that tree.</summary>
    [Theory]
    [MemberData(nameof(Edits))]
    public async Task Counts_after_an_edit_of_a_file_parsed_since_equal_a_full_recount(string name, string find, string replacement)
    {
        var document = TestSolution.Create(Source);
        var index = new UsageIndex();
        index.Update(document.Project.Solution, CancellationToken.None);
        await document.GetSyntaxTreeAsync();

        var text = await document.GetTextAsync();
        var at = text.ToString().IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, name);
        var edited = document.WithText(text.WithChanges(new TextChange(new TextSpan(at, find.Length), replacement)));
        await edited.GetSyntaxTreeAsync();
        index.Update(edited.Project.Solution, CancellationToken.None);
        await AssertSameAsFullCount(index, edited.Project.Solution, document.Project.Solution);
    }

    [Fact]
    public async Task Counts_stay_right_over_a_seeded_sequence_of_random_edits()
    {
        string[] snippets = ["_order.AddLine(\"x\", 4);", "Sum()", "{", "}", "Money.Zero(\"USD\")", "Checkout", ".", "(", ";", ""];
        var random = new Random(7);
        var document = TestSolution.Create(Source);
        var index = new UsageIndex();
        index.Update(document.Project.Solution, CancellationToken.None);
        var previous = document.Project.Solution;
        for (var step = 0; step < 60; step++)
        {
            var text = await document.GetTextAsync();
            var start = random.Next(text.Length + 1);
            var length = Math.Min(random.Next(12), text.Length - start);
            document = document.WithText(text.WithChanges(new TextChange(new TextSpan(start, length), snippets[random.Next(snippets.Length)])));
            await document.GetSyntaxTreeAsync();
            index.Update(document.Project.Solution, CancellationToken.None);
            await AssertSameAsFullCount(index, document.Project.Solution, previous);
            previous = document.Project.Solution;
        }
    }

    [Fact]
    public void Diff_of_unrelated_trees_is_the_difference_of_their_full_counts()
    {
        var before = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class A { void M() { Foo(); Bar.Baz(); Foo(); } }").GetRoot();
        var after = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class A { void M() { Bar.Qux(); } }").GetRoot();
        var delta = new Dictionary<string, int>(StringComparer.Ordinal);
        UsageIndex.Diff(before, after, delta);
        Assert.Equal(-2, delta["Foo"]);
        Assert.Equal(0, delta.GetValueOrDefault("Bar"));
        Assert.Equal(-1, delta["Baz"]);
        Assert.Equal(1, delta["Qux"]);
    }

    [Fact]
    public void Diff_of_an_incremental_parse_visits_only_the_edited_member()
    {
        var text = SourceText.From("""
            namespace N
            {
                class A
                {
                    void M()
                    {
                        var x = Foo(First);
                    }

                    void Other() { Unrelated(); Elsewhere.Call(); }
                }
            }
            """);
        var before = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text);
        // As the benchmark edits: the rest of the line after the caret (here after "Fo") is deleted.
        var at = text.ToString().IndexOf("o(First);", StringComparison.Ordinal);
        var after = before.WithChangedText(text.WithChanges(new TextChange(new TextSpan(at, "o(First);".Length), "")));
        var delta = new Dictionary<string, int>(StringComparer.Ordinal);
        UsageIndex.Diff(before.GetRoot(), after.GetRoot(), delta);
        Assert.Equal(-1, delta["Foo"]);
        Assert.Equal(-1, delta["First"]);
        Assert.Equal(1, delta["Fo"]);
        // The other member was reused by the parser: not even looked at (a whole-file recount would list its names with 0).
        Assert.DoesNotContain("Unrelated", delta.Keys);
        Assert.DoesNotContain("Call", delta.Keys);
    }

    private static async Task AssertSameAsFullCount(UsageIndex index, Solution now, Solution before)
    {
        var fresh = new UsageIndex();
        fresh.Update(now, CancellationToken.None);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var solution in new[] { now, before })
        {
            foreach (var document in solution.Projects.SelectMany(p => p.Documents))
                names.UnionWith(UsageIndex.CountNames((await document.GetSyntaxRootAsync())!).Keys);
        }
        Assert.NotEmpty(names);
        foreach (var name in names) Assert.True(fresh.Count(name) == index.Count(name), $"{name}: {index.Count(name)} counted incrementally, {fresh.Count(name)} in full");
    }
}
