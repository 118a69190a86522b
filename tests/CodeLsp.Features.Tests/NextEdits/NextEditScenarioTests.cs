using CodeLsp.Features.NextEdits;

namespace CodeLsp.Features.Tests.NextEdits;

/// <summary>
/// Each scenario: analyse the edit, apply every proposed edit, and compare the files with the expected texts; the
/// solution then has no errors except those left to the model. Proves the sites, the texts and the compile gate together.
/// </summary>
public sealed class NextEditScenarioTests
{
    public static TheoryData<string> Names => [.. NextEditScenarios.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Scenario(string name)
    {
        var scenario = NextEditScenarios.All.Single(s => s.Name == name);
        var before = scenario.CreateSolution();
        var after = scenario.ApplyEdit(before);

        var analysis = await NextEditAnalyzer.AnalyzeAsync(before, after, CancellationToken.None);

        Assert.Equal(scenario.HalfTyped, analysis.HalfTyped);
        Assert.Equal(scenario.Kinds, analysis.Changes.Select(c => c.Kind).Distinct().ToArray());
        Assert.Equal(scenario.ModelSites, analysis.ModelSites.Count);
        Assert.All(analysis.Edits, e => Assert.Equal(NextEditSource.Compiler, e.Source));
        if (scenario.Expected.Count == 0)
        {
            Assert.Empty(analysis.Edits);
            return;
        }

        var done = NextEditScenario.ApplyNextEdits(after, analysis.Edits);
        foreach (var document in done.Projects.Single().Documents)
        {
            var text = (await document.GetTextAsync()).ToString();
            var expected = scenario.Expected.TryGetValue(document.Name, out var e) ? e : (await after.GetDocument(document.Id)!.GetTextAsync()).ToString();
            Assert.Equal(expected.ReplaceLineEndings("\n"), text.ReplaceLineEndings("\n"));
        }
        var errors = await NextEditScenario.ErrorsAsync(done);
        Assert.True(errors.Count == scenario.RemainingErrors, string.Join("\n", errors));
    }

    [Fact]
    public async Task Every_new_error_is_covered_by_a_site_or_explained()
    {
        foreach (var scenario in NextEditScenarios.All.Where(s => !s.HalfTyped))
        {
            var before = scenario.CreateSolution();
            var after = scenario.ApplyEdit(before);
            var analysis = await NextEditAnalyzer.AnalyzeAsync(before, after, CancellationToken.None);
            var recall = await NextEditRecall.MeasureAsync(before, after, analysis, CancellationToken.None);
            Assert.True(recall.Uncovered.Count == 0, $"{scenario.Name}: {string.Join("; ", recall.Uncovered)}");
        }
    }
}
