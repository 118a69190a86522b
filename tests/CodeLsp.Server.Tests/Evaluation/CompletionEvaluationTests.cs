using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Server.Benchmarks;

namespace CodeLsp.Server.Tests.Evaluation;

/// <summary>The scores of <c>codelsp eval completions</c> as data, and a small seeded run on the Warehouse fixture.</summary>
public sealed class CompletionEvaluationTests
{
    [Theory]
    [InlineData("Save(item);", "Save(item);", true, 1.0)]
    [InlineData("Save(item);  \n  more();", "Save(item);", true, 1.0)]
    [InlineData("Save(other);", "Save(item);", false, 0.75)]
    [InlineData("", "Save(item);", false, 0.0)]
    [InlineData("x", "", false, 0.0)]
    public void Exact_match_and_edit_similarity_compare_the_first_line(string suggestion, string truth, bool exact, double similarity)
    {
        Assert.Equal(exact, CompletionScores.ExactMatch(suggestion, truth));
        Assert.Equal(similarity, CompletionScores.EditSimilarity(suggestion, truth), 3);
        Assert.False(CompletionScores.ExactMatch(null, truth));
        Assert.Equal(0, CompletionScores.EditSimilarity(null, truth));
    }

    [Theory]
    [InlineData("_repository.Save(item with { Quantity = q });", new[] { "_repository", "Save", "item", "Quantity", "q" })]
    [InlineData("return new List<int>(count);", new[] { "List", "count" })]
    [InlineData("var x = @class + x;", new[] { "x", "class" })]
    public void Identifiers_are_the_names_without_keywords(string text, string[] identifiers)
    {
        Assert.Equal(identifiers, CompletionScores.Identifiers(text));
    }

    [Fact]
    public void Recall_counts_the_wanted_names_the_suggestion_writes()
    {
        Assert.Equal(0.5, CompletionScores.Recall("Find(sku)", ["Find", "Save"]));
        Assert.Equal(0, CompletionScores.Recall(null, ["Find"]));
        Assert.Null(CompletionScores.Recall("x", []));
    }

    [Fact]
    public async Task A_seeded_run_on_the_fixture_prints_all_four_columns_and_flags_the_tiny_model()
    {
        using var folder = new TempCopy("Warehouse");
        var model = Path.Combine(folder.Path, "tiny.gguf");
        TinyModel.Write(model, new TinyModelOptions { ContextLength = 4096 });
        using var engine = new LocalEngine(await ModelHost.LoadAsync(new ModelLoadOptions { Path = model, ContextSize = 4096, Threads = 1 }, null, CancellationToken.None));
        var output = new StringWriter();

        var report = await new CompletionEvaluation(output, Serilog.Core.Logger.None).RunAsync(folder.Path, engine, "tiny", noise: true,
            new CompletionEvaluationOptions { Sites = 6, Seed = 3, MaxTokens = 8 }, json: false, CancellationToken.None);

        Assert.Equal(6, report.SitesAsked);
        Assert.Equal(["context on, check on", "context on, check off", "context off, check on", "context off, check off"], report.Columns.Select(c => c.Name));
        foreach (var (on, off) in new[] { (report.Columns[0], report.Columns[1]), (report.Columns[2], report.Columns[3]) })
        {
            // Same answers: the check only removes suggestions, and every one it keeps compiles.
            Assert.True(on.Shown <= off.Shown);
            Assert.Equal(on.Shown, on.ShownThatCompile);
            Assert.Equal(off.ShownThatCompile, on.ShownThatCompile);
        }
        Assert.Contains("noise", output.ToString());
        Assert.Contains("exact match (rest of line)", output.ToString());
        // The mask never reached the file on disk.
        Assert.All(Directory.EnumerateFiles(folder.Source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)),
            f => Assert.Equal(File.ReadAllText(f), File.ReadAllText(f.Replace(folder.Source, folder.Path, StringComparison.Ordinal))));
    }

    /// <summary>A copy of a tests/fixtures solution (MSBuild writes obj/ next to the projects).</summary>
    private sealed class TempCopy : IDisposable
    {
        public TempCopy(string name)
        {
            Source = FindFixture(name);
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "codelsp-tests", $"eval-{Guid.NewGuid():N}"[..13]);
            Copy(Source, Path);
        }

        public string Source { get; }

        public string Path { get; }

        private static void Copy(string source, string target)
        {
            Directory.CreateDirectory(target);
            foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            foreach (var directory in Directory.EnumerateDirectories(source))
            {
                if (System.IO.Path.GetFileName(directory) is "bin" or "obj") continue;
                Copy(directory, System.IO.Path.Combine(target, System.IO.Path.GetFileName(directory)));
            }
        }

        private static string FindFixture(string name)
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                var candidate = System.IO.Path.Combine(directory.FullName, "tests", "fixtures", name);
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException($"tests/fixtures/{name} not found above {AppContext.BaseDirectory}");
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
