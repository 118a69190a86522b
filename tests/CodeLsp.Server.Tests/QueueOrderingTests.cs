using System.Diagnostics;
using CodeLsp.Protocol;
using CodeLsp.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using Range = CodeLsp.Protocol.Range;

namespace CodeLsp.Server.Tests;

/// <summary>
/// Checks the ordering the request queue relies on (StreamJsonRpc dispatches in arrival order) and promises
/// (a read-only request sees exactly the mutations sent before it, never a later or half-applied one).
/// </summary>
public sealed class QueueOrderingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InterleavedChangesAndCompletions_EachCompletionSeesExactlyTheEditsBeforeIt()
    {
        var assistant = new FakeAssistant();
        var random = new Random(42);
        assistant.Complete = async (query, ct) =>
        {
            // Uneven, overlapping completions: later mutations run while these are in flight.
            if (query.Offset % 3 == 0) await Task.Delay(random.Next(0, 5), ct);
            return await FakeAssistant.EchoAsync(query, ct);
        };
        await using var server = await InProcessServer.StartInitializedAsync(assistant);
        const string uri = "file:///w/order.cs";
        await server.Client.OpenAsync(uri, "");

        var expected = new List<string>();
        var completions = new List<Task<InlineCompletionList>>();
        var text = "";
        for (var i = 0; i < 100; i++)
        {
            var add = ((char)('a' + i % 26)).ToString() + (i % 10 == 9 ? "\n" : "");
            var end = Markup.PositionOf(text, text.Length);
            // Not awaited: messages go out back to back, as an editor sends them while the user types.
            _ = server.Client.ChangeAsync(uri, i + 2, new TextDocumentContentChangeEvent { Range = new Range(end, end), Text = add });
            text += add;
            if (i % 25 == 24)
            {
                // A full-text change now and then.
                text = text.ToUpperInvariant();
                _ = server.Client.ChangeAsync(uri, i + 2, new TextDocumentContentChangeEvent { Text = text });
            }
            completions.Add(server.Client.CompleteAsync(uri, Markup.PositionOf(text, text.Length)));
            expected.Add(text + "$$");
        }

        var results = await Task.WhenAll(completions);

        Assert.Equal(expected, results.Select(r => Assert.Single(r.Items).InsertText));
    }

    [Fact]
    public async Task SlowCompletion_DoesNotHoldUpLaterEdits_AndKeepsItsOwnSnapshot()
    {
        var assistant = new FakeAssistant();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        assistant.Complete = async (query, ct) =>
        {
            if (query.Document.Text.ToString() == "old")
            {
                await release.Task.WaitAsync(ct);
            }
            return await FakeAssistant.EchoAsync(query, ct);
        };
        await using var server = await InProcessServer.StartInitializedAsync(assistant);
        const string uri = "file:///w/slow.cs";
        await server.Client.OpenAsync(uri, "old");

        var slow = server.Client.CompleteAsync(uri, new Position(0, 3));
        await server.Client.ChangeAsync(uri, 2, new TextDocumentContentChangeEvent { Text = "new text" });
        var fast = await server.Client.CompleteAsync(uri, new Position(0, 8)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(slow.IsCompleted);
        release.SetResult();

        Assert.Equal("new text$$", Assert.Single(fast.Items).InsertText);
        Assert.Equal("old$$", Assert.Single((await slow).Items).InsertText);
    }

    [Fact]
    public async Task CompletionRoundTrip_IsFastInProcess()
    {
        await using var server = await InProcessServer.StartInitializedAsync();
        const string uri = "file:///w/speed.cs";
        await server.Client.OpenAsync(uri, "class C\n{\n    void M() { }\n}\n");
        for (var i = 0; i < 50; i++) await server.Client.CompleteAsync(uri, new Position(2, 14)); // warm-up

        const int count = 500;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await server.Client.CompleteAsync(uri, new Position(2, 14));
        }
        stopwatch.Stop();

        var perRequest = stopwatch.Elapsed.TotalMilliseconds / count;
        output.WriteLine($"In-process inlineCompletion round trip (fake assistant): {perRequest:0.000} ms per request over {count} sequential requests");
        Assert.True(perRequest < 20, $"round trip took {perRequest} ms");
    }
}
