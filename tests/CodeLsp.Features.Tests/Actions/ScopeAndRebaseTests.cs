using CodeLsp.Features.Actions;
using CodeLsp.Features.Actions.Gates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.Actions;

public sealed class ScopeAndRebaseTests
{
    private const string Source = "using System;\n\nnamespace Shop;\n\npublic class A\n{\n    public int F() => 1;\n\n    public int G() => 2;\n}\n";

    private static async Task<GateVerdict> Scope(Func<string, string> edit)
    {
        var original = ActionWorkspace.Create(Source).Document;
        var edited = original.WithText(SourceText.From(edit(Source)));
        var f = Source.IndexOf("    public int F", StringComparison.Ordinal);
        var scope = TextSpan.FromBounds(f, Source.IndexOf("\n\n    public int G", StringComparison.Ordinal) + 1);
        return await new EditInScopeGate(scope).CheckAsync(new Candidate(original, edited, new SyntaxAnnotation()), CancellationToken.None);
    }

    [Fact]
    public async Task An_edit_inside_the_member_passes() =>
        Assert.True((await Scope(s => s.Replace("=> 1;", "=> 41 + 1;", StringComparison.Ordinal))).Passed);

    [Fact]
    public async Task An_edit_outside_the_member_is_refused()
    {
        var verdict = await Scope(s => s.Replace("=> 2;", "=> 3;", StringComparison.Ordinal));
        Assert.False(verdict.Passed);
        Assert.Contains("outside the member, first at line 9", verdict.Detail);
    }

    [Fact]
    public async Task A_using_added_by_the_import_adder_is_allowed_but_other_top_edits_are_not()
    {
        Assert.True((await Scope(s => s.Replace("using System;\n", "using System;\nusing System.Linq;\n", StringComparison.Ordinal))).Passed);
        Assert.False((await Scope(s => s.Replace("using System;\n", "using System;\n// hi\n", StringComparison.Ordinal))).Passed);
    }

    [Fact]
    public async Task No_change_at_all_is_refused() => Assert.False((await Scope(s => s)).Passed);

    private static readonly SourceText s_computedOn = SourceText.From(Source);

    // Replace F's body "1" (line 6) with "42".
    private static readonly RangeEdit[] s_edit = [new(new LinePositionSpan(new LinePosition(6, 22), new LinePosition(6, 23)), "42")];
    private static readonly LinePositionSpan s_member = new(new LinePosition(6, 0), new LinePosition(6, 24));

    [Fact]
    public void Edits_move_down_past_lines_typed_above_the_member()
    {
        var current = SourceText.From(Source.Replace("namespace Shop;", "// a note\nnamespace Shop;", StringComparison.Ordinal));
        var moved = Assert.Single(EditRebaser.Rebase(s_computedOn, current, s_edit, s_member)!);
        Assert.Equal(new LinePosition(7, 22), moved.Range.Start);
        var applied = current.WithChanges(new TextChange(current.Lines.GetTextSpan(moved.Range), moved.NewText)).ToString();
        Assert.Contains("public int F() => 42;", applied);
    }

    [Fact]
    public void Edits_stay_when_the_change_is_below_the_member()
    {
        var current = SourceText.From(Source.Replace("=> 2;", "=> 22;", StringComparison.Ordinal));
        Assert.Equal(s_edit, EditRebaser.Rebase(s_computedOn, current, s_edit, s_member));
    }

    [Fact]
    public void A_change_inside_the_member_makes_the_edits_stale()
    {
        var current = SourceText.From(Source.Replace("public int F()", "public int Fx()", StringComparison.Ordinal));
        Assert.Null(EditRebaser.Rebase(s_computedOn, current, s_edit, s_member));
    }
}
