using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Serilog;

namespace CodeLsp.Features.Tests.Completion;

/// <summary>One Roslyn context build per document and key, however many keystrokes wait for it.</summary>
public sealed class PromptContextSourceTests : IDisposable
{
    private readonly AdhocWorkspace _workspace = new();
    private readonly Uri _uri = new("file:///w/Cart.cs");

    /// <summary>A build that waits until released, records its keys' offsets and sees its cancellation.</summary>
    private sealed class GatedBuilds
    {
        public readonly List<(int Offset, TaskCompletionSource<string> Release, CancellationToken Token)> Started = [];

        /// <summary>The n-th build, once it has started (builds start on the thread pool).</summary>
        public async Task<(int Offset, TaskCompletionSource<string> Release, CancellationToken Token)> Nth(int n)
        {
            for (var i = 0; i < 500; i++)
            {
                lock (Started) if (Started.Count > n) return Started[n];
                await Task.Delay(10);
            }
            throw new TimeoutException($"build {n} never started");
        }

        public Task<string> Build(Document document, int offset, TextSpan visible, CancellationToken token)
        {
            var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Started) Started.Add((offset, release, token));
            token.Register(() => release.TrySetCanceled(token));
            return release.Task;
        }
    }

    private Document Document(string text) =>
        _workspace.AddProject("P", LanguageNames.CSharp).AddDocument("Cart.cs", SourceText.From(text));

    [Theory]
    [InlineData("cart.Ad|", "cart.Add|")]            // typing a name after '.': same key
    [InlineData("Save(item, |", "Save(item, q|")]     // an argument after ','
    public async Task Keystrokes_with_the_same_key_share_the_running_build(string first, string second)
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        var (text1, caret1) = (first.Replace("|", ""), first.IndexOf('|'));
        var (text2, caret2) = (second.Replace("|", ""), second.IndexOf('|'));

        Assert.Null(await source.ForAsync(_uri, Document(text1), SourceText.From(text1), caret1, default, CancellationToken.None));
        Assert.Null(await source.ForAsync(_uri, Document(text2), SourceText.From(text2), caret2, default, CancellationToken.None));
        Assert.Equal(1, source.Builds);

        (await builds.Nth(0)).Release.SetResult("// context");
        await source.WhenBuilt(_uri);
        Assert.Equal("// context", await source.ForAsync(_uri, Document(text2), SourceText.From(text2), caret2, default, CancellationToken.None));
        Assert.Equal(1, source.Builds);
    }

    [Fact]
    public async Task After_one_request_waited_a_build_out_the_next_ones_do_not_wait_for_it()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        const string Text = "cart.";

        Assert.Null(await source.ForAsync(_uri, Document(Text), SourceText.From(Text), 5, default, CancellationToken.None));
        // A request that waited would see its cancelled token and throw; this one answers at once with what there is.
        Assert.Null(await source.ForAsync(_uri, Document(Text), SourceText.From(Text), 5, default, new CancellationToken(canceled: true)));

        (await builds.Nth(0)).Release.SetResult("// cart's members");
        await source.WhenBuilt(_uri);
        Assert.Equal("// cart's members", await source.ForAsync(_uri, Document(Text), SourceText.From(Text), 5, default, new CancellationToken(canceled: true)));
        Assert.Equal(1, source.Builds);
    }

    [Fact]
    public async Task A_new_key_cancels_the_build_the_cursor_left_and_it_never_replaces_the_new_context()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        const string Before = "cart.Add(";
        const string After = "cart.Add(item.";

        await source.ForAsync(_uri, Document(Before), SourceText.From(Before), Before.Length, default, CancellationToken.None);
        await source.ForAsync(_uri, Document(After), SourceText.From(After), After.Length, default, CancellationToken.None);

        Assert.Equal(2, source.Builds);
        Assert.True((await builds.Nth(0)).Token.IsCancellationRequested);
        Assert.False((await builds.Nth(1)).Token.IsCancellationRequested);
        (await builds.Nth(1)).Release.SetResult("// item's members");
        (await builds.Nth(0)).Release.TrySetResult("// stale"); // already cancelled: ignored
        await source.WhenBuilt(_uri);
        Assert.Equal("// item's members", await source.ForAsync(_uri, Document(After), SourceText.From(After), After.Length, default, CancellationToken.None));
    }

    [Fact]
    public async Task Forgetting_a_closed_document_cancels_its_build_and_drops_its_context()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromSeconds(5), Log.Logger);
        const string Text = "cart.";
        var pending = source.ForAsync(_uri, Document(Text), SourceText.From(Text), Text.Length, default, CancellationToken.None);

        source.Forget(_uri);

        Assert.Null(await pending); // the cancelled build gives no context, and no exception
        Assert.True((await builds.Nth(0)).Token.IsCancellationRequested);
    }

    [Fact]
    public async Task Opening_prepares_one_build_and_the_first_keystroke_elsewhere_cancels_it()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        const string Text = "class C\n{\n    void M() { }\n}\n";
        var text = SourceText.From(Text);

        source.Prepare(_uri, () => Document(Text), text, text.Lines[2].Start, default);
        await WaitUntil(() => source.Builds == 1);
        source.Prepare(_uri, () => Document(Text), text, text.Lines[2].Start, default); // one is running: nothing new
        await Task.Delay(50);
        Assert.Equal(1, source.Builds);

        await source.ForAsync(_uri, Document(Text), text, text.Lines[3].Start, default, CancellationToken.None);
        Assert.Equal(2, source.Builds);
        Assert.True((await builds.Nth(0)).Token.IsCancellationRequested);
    }

    [Fact]
    public async Task Documents_opened_together_are_prepared_one_at_a_time()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromSeconds(5), Log.Logger);
        const string Text = "x.";
        var uris = Enumerable.Range(0, 5).Select(i => new Uri($"file:///w/Tab{i}.cs")).ToList();

        foreach (var uri in uris) source.Prepare(uri, () => Document(Text), SourceText.From(Text), 2, default);
        await WaitUntil(() => source.Builds == 1);
        await Task.Delay(50);
        Assert.Equal(1, source.Builds);

        (await builds.Nth(0)).Release.SetResult("// first");
        await source.WhenBuilt(uris[0]);
        await WaitUntil(() => { source.Prepare(uris[1], () => Document(Text), SourceText.From(Text), 2, default); return source.Builds == 2; });
    }

    [Fact]
    public async Task Preparing_late_never_cancels_the_build_a_request_started()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        const string Text = "class C\n{\n    void M() { x. }\n}\n";
        var text = SourceText.From(Text);

        // Opening queues the preparation; the first request starts its build before the preparation gets to run.
        using var requestStarted = new ManualResetEventSlim();
        var made = 0;
        source.Prepare(_uri, () => { requestStarted.Wait(TimeSpan.FromSeconds(5)); Interlocked.Increment(ref made); return Document(Text); }, text, text.Lines[1].Start, default);
        await source.ForAsync(_uri, Document(Text), text, Text.IndexOf("x.", StringComparison.Ordinal) + 2, default, CancellationToken.None);
        requestStarted.Set();
        await WaitUntil(() => Volatile.Read(ref made) == 1);
        await Task.Delay(50);

        Assert.Equal(1, source.Builds);
        Assert.False((await builds.Nth(0)).Token.IsCancellationRequested);
    }

    [Fact]
    public async Task Opening_prepares_nothing_when_the_document_already_has_a_context()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromSeconds(5), Log.Logger);
        const string Text = "x.";
        var pending = source.ForAsync(_uri, Document(Text), SourceText.From(Text), 2, default, CancellationToken.None);
        await WaitUntil(() => builds.Started.Count == 1);
        (await builds.Nth(0)).Release.SetResult("// built");
        Assert.Equal("// built", await pending);

        source.Prepare(_uri, () => Document(Text), SourceText.From(Text), 0, default);
        await Task.Delay(50);
        Assert.Equal(1, source.Builds);
    }

    [Fact]
    public async Task Opening_prepares_each_site_in_turn_and_stops_when_a_request_asks()
    {
        var builds = new GatedBuilds();
        var source = new PromptContextSource(builds.Build, contextTokens: 256, wait: TimeSpan.FromMilliseconds(1), Log.Logger);
        const string Text = "class C\n{\n    void M() { a.B(); new D(1); }\n}\n";
        var text = SourceText.From(Text);
        var sites = InlineCompletionPipeline.WarmUpSites(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text));
        Assert.Equal([Text.IndexOf("a.", StringComparison.Ordinal) + 2, Text.IndexOf("B(", StringComparison.Ordinal) + 2, Text.IndexOf("D(", StringComparison.Ordinal) + 2], sites);

        source.Prepare(_uri, () => Document(Text), text, sites.Select(o => (o, default(TextSpan))).ToList());
        (await builds.Nth(0)).Release.SetResult("// at a.");
        Assert.Equal(sites[1], (await builds.Nth(1)).Offset);   // the next site once the first is built

        await source.ForAsync(_uri, Document(Text), text, text.Lines[3].Start, default, CancellationToken.None); // the user asks
        (await builds.Nth(1)).Release.TrySetResult("// at B(");
        await Task.Delay(100);
        Assert.Equal(3, source.Builds); // two prepared, one asked: the third site is never prepared
        Assert.DoesNotContain(builds.Started, b => b.Offset == sites[2]);
    }

    [Theory]
    // no name dotted into twice: the first access, call and creation only
    [InlineData("class C { void M() { a.B(); new D(1); } }", "a.|B(|D(|")]
    // then the names dotted into most, each at its first access, besides the first access's own receiver
    [InlineData("class C { void M() { _r.A(); x.B(); _s.A(); x.C(); _s.D(); _s.E(); _r.F(); } }", "_r.|_r.A(|_s.|x.")]
    // at most three of them; arrow bodies count; outside bodies nothing does
    [InlineData("class C { int f = k.A + k.B; int P => q.A + q.B + w.C + w.D + e.F + e.G + t.H + t.I + t.J + z.A(); }", "q.|z.A(|t.|w.|e.")]
    public void Warm_up_sites_add_the_files_most_used_receivers(string text, string expected)
    {
        var sites = InlineCompletionPipeline.WarmUpSites(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text));
        // each expected site: the text that ends at it (its first occurrence)
        var offsets = expected.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(before => text.IndexOf(before, StringComparison.Ordinal) + before.Length).ToList();
        Assert.Equal(offsets, sites);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    [Theory]
    [InlineData("a.b(c, d|", "a.b(c, de|", true)]
    [InlineData("a.b(c, d|", "a.b(c, d.|", false)]
    [InlineData("var x|", "var xy|", true)]
    [InlineData("x|\ny", "x\n|y", false)]          // another line
    public void Key_changes_only_past_a_dot_paren_or_comma_or_on_another_line(string first, string second, bool same)
    {
        var k1 = PromptContextSource.Key(SourceText.From(first.Replace("|", "")), first.IndexOf('|'));
        var k2 = PromptContextSource.Key(SourceText.From(second.Replace("|", "")), second.IndexOf('|'));
        Assert.Equal(same, k1 == k2);
    }

    public void Dispose() => _workspace.Dispose();
}
