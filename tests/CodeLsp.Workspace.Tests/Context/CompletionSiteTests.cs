using CodeLsp.Workspace.Context.Evaluation;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>The measurement's site sampler and ground truth (shared by <c>codelsp bench context</c> and evaluations).</summary>
public sealed class CompletionSiteTests
{
    private const string Code = """
        using Shop;
        using System.Linq;
        class C
        {
            int M(IRepository<Order> orders, Order order)
            {
                order.AddLine("a", 1);
                var lines = orders.List().Where(o => o.Status == OrderStatus.Placed).ToList();
                var total = Formatter.Format(order.Total());
                return lines.Count;
            }
        }
        """;

    [Fact]
    public async Task Finds_each_kind_and_samples_half_after_a_dot_reproducibly()
    {
        var document = TestSolution.Create(Code);
        var sites = CompletionSiteSampler.FindSites(document, (await document.GetSyntaxRootAsync())!, await document.GetTextAsync()).ToList();
        Assert.Contains(sites, s => s.Kind == CompletionSiteKinds.AfterDot);
        Assert.Contains(sites, s => s.Kind == CompletionSiteKinds.StatementStart);
        Assert.Contains(sites, s => s.Kind == CompletionSiteKinds.Identifier);
        // Never inside a using directive.
        var text = await document.GetTextAsync();
        Assert.DoesNotContain(sites, s => text.Lines.GetLineFromPosition(s.Offset).ToString().StartsWith("using", StringComparison.Ordinal));

        var sample = CompletionSiteSampler.Sample(sites, 8, seed: 7);
        Assert.Equal(8, sample.Count);
        Assert.Equal(4, sample.Count(s => s.Kind == CompletionSiteKinds.AfterDot));
        Assert.Equal(sample, CompletionSiteSampler.Sample(sites, 8, seed: 7));
        Assert.NotEqual(sample, CompletionSiteSampler.Sample(sites, 8, seed: 8));
    }

    public static TheoryData<string, string[], string[]> Targets => new()
    {
        // the text of the line before the caret, the targets expected, names that must not be targets
        { "var lines = orders.", ["List", "Where", "ToList"], ["o", "lines"] },
        { "var total = Formatter.", ["Format", "Total"], ["total"] },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Targets_are_the_names_of_the_masked_rest_not_visible_and_not_declared_there(string before, string[] expected, string[] excluded)
    {
        var document = TestSolution.Create(Code);
        var text = await document.GetTextAsync();
        var offset = text.ToString().IndexOf(before, StringComparison.Ordinal) + before.Length;
        var line = text.Lines.GetLineFromPosition(offset);
        var site = new CompletionSite(document.Id, document.FilePath!, offset, line.End, CompletionSiteKinds.AfterDot);
        // A visible window of the caret's line before the caret only: everything else is unseen.
        var visible = ContinuationTargets.Words(text.ToString(TextSpan.FromBounds(line.Start, offset)));
        var targets = ContinuationTargets.Find((await document.GetSyntaxRootAsync())!, (await document.GetSemanticModelAsync())!, site, visible, default);
        Assert.Equal(expected, targets.Select(t => t.Name).Where(n => expected.Contains(n)));
        Assert.DoesNotContain(targets, t => excluded.Contains(t.Name));
        Assert.All(targets.Where(t => t.Name is "Format" or "Total" or "List"), t => Assert.Equal(TargetHomes.OtherFile, t.Home));
        Assert.All(targets.Where(t => t.Name is "Where" or "ToList"), t => Assert.Equal(TargetHomes.Metadata, t.Home));
    }
}
