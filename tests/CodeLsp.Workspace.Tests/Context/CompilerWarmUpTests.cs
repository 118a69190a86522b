using CodeLsp.Workspace.Context;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>The start-up warm-up runs the context and the typing preparation on its sample for real, and keeps nothing.</summary>
public sealed class CompilerWarmUpTests
{
    [Fact]
    public async Task Collects_the_samples_context_at_each_site()
    {
        // Three sites (a member access, a call, an object creation) each give the compiler's items: members of
        // List<Item>, the overloads of FirstOrDefault, the constructor of Item, with locals and the type outline.
        var items = await CompilerWarmUp.RunAsync(CancellationToken.None);

        Assert.True(items >= 9, $"{items} items");
    }

    [Fact]
    public async Task Stops_when_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CompilerWarmUp.RunAsync(cancelled.Token));
    }
}
