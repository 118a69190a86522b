using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.Completion;

public sealed class TriggerPolicyTests
{
    private static readonly Uri Doc = new("file:///t/A.cs");

    private static TriggerDecision Decide(string markup, CompletionTrigger trigger, TriggerPolicy? policy = null)
    {
        var (text, caret) = Markup.Parse(markup);
        return (policy ?? new TriggerPolicy(new TriggerOptions())).Decide(Doc, SourceText.From(text), caret, trigger);
    }

    [Theory]
    [InlineData("var x = Fo$$o;", false)]          // middle of a word
    [InlineData("var x = Foo$$", true)]            // end of a word
    [InlineData("Foo($$);", true)]                 // only closers follow
    [InlineData("var $$x = 1;", false)]            // code follows
    [InlineData("if (a$$ && b)", false)]
    [InlineData("    $$", true)]                   // empty line: fires, after a pause
    public void Automatic(string markup, bool fires) => Assert.Equal(fires, Decide(markup, CompletionTrigger.Automatic).Fire);

    [Theory]
    [InlineData("var x = Fo$$o;")]
    [InlineData("var $$x = 1;")]
    [InlineData("    $$")]
    public void Invoked_is_always_answered_at_once(string markup)
    {
        var decision = Decide(markup, CompletionTrigger.Invoked);
        Assert.True(decision.Fire);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
    }

    [Fact]
    public void Empty_line_waits_for_the_pause()
    {
        var decision = Decide("class C\n{\n    $$\n}", CompletionTrigger.Automatic);
        Assert.Equal(TimeSpan.FromMilliseconds(new TriggerOptions().EmptyLinePauseMs), decision.Delay);
    }

    [Fact]
    public void Debounce_follows_the_typing_rhythm_within_bounds()
    {
        var clock = new ManualClock();
        var options = new TriggerOptions { MinDebounceMs = 40, MaxDebounceMs = 300 };
        var policy = new TriggerPolicy(options, clock);
        Assert.Equal(40, Decide("var x = a$$", CompletionTrigger.Automatic, policy).Delay.TotalMilliseconds);

        for (var i = 0; i < 20; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(200));
            Decide("var x = a$$", CompletionTrigger.Automatic, policy);
        }
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var steady = Decide("var x = a$$", CompletionTrigger.Automatic, policy).Delay.TotalMilliseconds;
        Assert.InRange(steady, 140, 160); // ≈ 0.75 × 200 ms

        clock.Advance(TimeSpan.FromSeconds(5)); // a long pause resets the rhythm
        Assert.Equal(40, Decide("var x = a$$", CompletionTrigger.Automatic, policy).Delay.TotalMilliseconds);

        policy.RecordModelLatency(TimeSpan.FromSeconds(10)); // a slow model cannot push past the maximum
        clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal(300, Decide("var x = a$$", CompletionTrigger.Automatic, policy).Delay.TotalMilliseconds);
    }

    [Fact]
    public void Automatic_off_still_answers_invoked()
    {
        var policy = new TriggerPolicy(new TriggerOptions { Automatic = false });
        Assert.False(Decide("var x = $$", CompletionTrigger.Automatic, policy).Fire);
        Assert.True(Decide("var x = $$", CompletionTrigger.Invoked, policy).Fire);
    }
}
