using CodeLsp.Features.NextEdits;
using CodeLsp.Workspace;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Tests.NextEdits;

/// <summary>
/// The tracker over a real <see cref="WorkspaceHost"/> (an ad-hoc folder): keystrokes one by one keep the baseline
/// while the edit is half-typed, a later version supersedes an earlier one, and a model site is filled by the engine
/// only when what it wrote compiles.
/// </summary>
public sealed class NextEditTrackerTests : IAsyncLifetime
{
    private const string Cart = """
        using System.Threading;
        namespace Shop;
        public sealed class Cart
        {
            public void Add(decimal price) { }
        }
        """;

    private const string Import = """
        namespace Shop;
        public static class Import
        {
            public static void Load(Cart cart)
            {
                cart.Add(3m);
            }
        }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("codelsp-tracker-").FullName;
    private readonly WorkspaceHost _workspace = new(new LoggerConfiguration().CreateLogger());

    private Uri CartUri => new(Path.Combine(_folder, "Cart.cs"));

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder, "Cart.cs"), Cart);
        File.WriteAllText(Path.Combine(_folder, "Import.cs"), Import);
        await _workspace.LoadAsync(_folder, trusted: false, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _workspace.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Types <paramref name="typed"/> one character at a time at the offset, as didChanges with increasing versions.</summary>
    private static (SourceText Text, int Version) Type(NextEditTracker tracker, Uri uri, SourceText text, int version, int offset, string typed)
    {
        foreach (var c in typed)
        {
            text = text.WithChanges(new TextChange(new TextSpan(offset++, 0), c.ToString()));
            tracker.DocumentChanged(uri, ++version, text);
        }
        return (text, version);
    }

    [Fact]
    public async Task Typing_a_parameter_keystroke_by_keystroke_ends_with_the_sites_of_the_finished_edit()
    {
        var analyses = new List<(int Version, NextEditAnalysis Analysis)>();
        using var tracker = new NextEditTracker(_workspace, new LoggerConfiguration().CreateLogger(), () => null);
        tracker.Analyzed += (_, v, a) => { lock (analyses) analyses.Add((v, a)); };
        var text = SourceText.From(Cart);
        var at = Cart.IndexOf("price)", StringComparison.Ordinal) + "price".Length;

        var (_, version) = Type(tracker, CartUri, text, 1, at, ", CancellationToken ct");

        var edits = await tracker.EditsAsync(CartUri, version, new LinePosition(4, 0), useModel: false, CancellationToken.None);
        Assert.NotNull(edits);
        Assert.Empty(edits); // Import's call has no CancellationToken in scope: a model site, not a compiler edit
        var result = await tracker.CompilerEditsAsync(CartUri, version, CancellationToken.None);
        var site = Assert.Single(result!.Analysis.ModelSites);
        Assert.EndsWith("Import.cs", site.FilePath, StringComparison.Ordinal);
        Assert.Equal([EditKind.ParameterAdded], result.Analysis.Changes.Select(c => c.Kind));
        // Every intermediate version that finished was half-typed or compared with the same baseline (the original text).
        lock (analyses) Assert.All(analyses.Where(a => a.Version < version), a => Assert.True(a.Analysis.HalfTyped || a.Analysis.Changes.Count > 0));
        Assert.Null(await tracker.EditsAsync(CartUri, version - 1, new LinePosition(0, 0), useModel: false, CancellationToken.None));
    }

    [Theory]
    [InlineData("System.Threading.CancellationToken.None", true)]
    [InlineData("default", true)]
    [InlineData("\"not a token\"", false)]
    [InlineData("cancel", false)]
    public async Task A_model_site_is_filled_only_with_text_that_compiles(string answer, bool kept)
    {
        var model = new ScriptedFimModel(_ => answer + ");\n");
        using var tracker = new NextEditTracker(_workspace, new LoggerConfiguration().CreateLogger(), () => model);
        var text = SourceText.From(Cart);
        var at = Cart.IndexOf("price)", StringComparison.Ordinal) + "price".Length;
        tracker.DocumentChanged(CartUri, 2, text.WithChanges(new TextChange(new TextSpan(at, 0), ", CancellationToken ct")));

        var edits = await tracker.EditsAsync(CartUri, 2, new LinePosition(4, 0), useModel: true, CancellationToken.None);

        Assert.Equal(1, model.Calls);
        if (!kept)
        {
            Assert.Empty(edits!);
            return;
        }
        var edit = Assert.Single(edits!);
        Assert.Equal(NextEditSource.Model, edit.Source);
        Assert.Equal(", " + answer, edit.NewText);
        Assert.EndsWith("Import.cs", edit.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_prompt_carries_the_recent_edit_and_what_is_in_scope()
    {
        FimPromptCapture? captured = null;
        var model = new ScriptedFimModel(p => { captured = new FimPromptCapture(p.Context ?? "", p.Prefix, p.Suffix); return "default"; });
        using var tracker = new NextEditTracker(_workspace, new LoggerConfiguration().CreateLogger(), () => model);
        var at = Cart.IndexOf("price)", StringComparison.Ordinal) + "price".Length;
        tracker.DocumentChanged(CartUri, 2, SourceText.From(Cart).WithChanges(new TextChange(new TextSpan(at, 0), ", CancellationToken ct")));

        await tracker.EditsAsync(CartUri, 2, new LinePosition(4, 0), useModel: true, CancellationToken.None);

        Assert.NotNull(captured);
        Assert.Contains("- public void Add(decimal price) { }", captured.Context, StringComparison.Ordinal);
        Assert.Contains("+ public void Add(decimal price, CancellationToken ct) { }", captured.Context, StringComparison.Ordinal);
        Assert.Contains("CancellationToken ct", captured.Context, StringComparison.Ordinal);
        Assert.Contains("Cart cart", captured.Context, StringComparison.Ordinal);
        Assert.EndsWith("cart.Add(3m, ", captured.Prefix, StringComparison.Ordinal);
        Assert.StartsWith(");", captured.Suffix, StringComparison.Ordinal);
    }

    private sealed record FimPromptCapture(string Context, string Prefix, string Suffix);
}
