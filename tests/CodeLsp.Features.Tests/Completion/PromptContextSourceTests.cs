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

        builds.Started[0].Release.SetResult("// context");
        await Task.Delay(50);
        Assert.Equal("// context", await source.ForAsync(_uri, Document(text2), SourceText.From(text2), caret2, default, CancellationToken.None));
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
        Assert.True(builds.Started[0].Token.IsCancellationRequested);
        Assert.False(builds.Started[1].Token.IsCancellationRequested);
        builds.Started[1].Release.SetResult("// item's members");
        builds.Started[0].Release.TrySetResult("// stale"); // already cancelled: ignored
        await Task.Delay(50);
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
        Assert.True(builds.Started[0].Token.IsCancellationRequested);
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
