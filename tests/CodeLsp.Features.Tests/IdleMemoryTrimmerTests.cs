using Xunit;

namespace CodeLsp.Features.Tests;

/// <summary>The idle trim runs once after the last edit, is pushed back by every edit, and never repeats on its own.</summary>
public sealed class IdleMemoryTrimmerTests
{
    [Fact]
    public async Task Trims_once_after_the_last_edit_and_not_again_until_the_next()
    {
        var trims = 0;
        using var trimmer = new IdleMemoryTrimmer(() => Interlocked.Increment(ref trims), TimeSpan.FromMilliseconds(1000));
        Assert.Equal(0, Volatile.Read(ref trims)); // nothing before the first edit

        // A burst of edits closer together than the quiet period: no trim in between. (The period is long enough that a
        // pause of the test host under a parallel test run does not look like the user pausing.)
        for (var i = 0; i < 5; i++)
        {
            trimmer.Touch();
            await Task.Delay(20);
        }
        Assert.Equal(0, Volatile.Read(ref trims));

        await WaitUntilAsync(() => Volatile.Read(ref trims) == 1);
        await Task.Delay(2500); // more quiet periods: still one (no periodic timer)
        Assert.Equal(1, Volatile.Read(ref trims));

        trimmer.Touch(); // the next edit re-arms it
        await WaitUntilAsync(() => Volatile.Read(ref trims) == 2);
        await Task.Delay(2500);
        Assert.Equal(2, Volatile.Read(ref trims));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 20)
        {
            Assert.True(waited < 10_000, "the trim did not run");
            await Task.Delay(20);
        }
    }
}
