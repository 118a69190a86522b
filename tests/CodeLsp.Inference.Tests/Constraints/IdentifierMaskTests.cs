using System.Text;
using CodeLsp.Inference.Constraints;

namespace CodeLsp.Inference.Tests.Constraints;

/// <summary>The mask's rules on a small hand-made vocabulary with tokens that span the end of a name.</summary>
public sealed class IdentifierMaskTests
{
    private static readonly string[] s_tokens =
    [
        "T", "To", "Tot", "Total", "Total(", "Total()", "tal", "tal(", "al(", "al", "l", "Totals", "s", "(", ");", "(\"", ";", " ",
        "Add", "Item", "AddItem", "Price", "x", "{", "{ ", "[", "new", ".", "é", "\u00c3", "\u00a9",
    ];

    private const int Stop = 1000;

    private static readonly VocabularyTrie s_vocabulary = new(s_tokens.Select((t, i) => (i, Encoding.UTF8.GetBytes(t))));

    private static int Id(string token) => Array.IndexOf(s_tokens, token) is var i and >= 0 ? i : throw new ArgumentException(token);

    private static IdentifierMask Mask(string names, string alternatives = "", params string[] history)
    {
        var mask = new IdentifierMask(new IdentifierConstraint(names.Split(',')) { AlternativeStarts = alternatives }, s_vocabulary, [Stop]);
        foreach (var token in history)
        {
            mask.Accept(Id(token));
        }

        return mask;
    }

    [Theory]
    // names, alternative starts, tokens generated so far ('|'-separated), next token, allowed
    [InlineData("Total,TotalPrice,AddItem", "", "", "T", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "Total", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "Total(", true)] // finishes the name, then leaves it
    [InlineData("Total,TotalPrice,AddItem", "", "", "Total()", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "Totals", false)] // not a name
    [InlineData("Total,TotalPrice,AddItem", "", "", "AddItem", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "Item", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "(", false)] // nothing of a name yet
    [InlineData("Total,TotalPrice,AddItem", "", "", " ", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "", "x", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "To", "tal", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "To", "tal(", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "To", "al(", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "To", "Total", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "Tot", "al(", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", "Price", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", "(", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", ";", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", " ", true)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", "s", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total", "Item", false)]
    [InlineData("Total,TotalPrice,AddItem", "", "Total(", "x", true)] // left the identifier: free
    [InlineData("Total,TotalPrice,AddItem", "", "Total|(", "s", true)]
    [InlineData("Total", "{[(", "", "{", true)] // after `new `: an anonymous object
    [InlineData("Total", "{[(", "", "{ ", true)]
    [InlineData("Total", "{[(", "", "(\"", true)]
    [InlineData("Total", "{[(", "", ";", false)]
    [InlineData("Total", "{[(", "", "x", false)]
    [InlineData("Total", "{[(", "T", "(", false)] // alternatives only at the very start
    [InlineData(",Price", "", "", "(", true)] // the typed text is already a whole name
    [InlineData(",Price", "", "", "Price", true)]
    [InlineData(",Price", "", "", "s", false)]
    [InlineData("Caf\u00e9", "", "", "\u00c3", false)] // é is C3 A9; the token \u00c3 is C3 83
    [InlineData("Caf\u00e9,\u00e9t\u00e9", "", "", "é", true)]
    public void Allows_exactly_the_continuations_of_an_allowed_name(string names, string alternatives, string history, string token, bool allowed)
    {
        var mask = Mask(names, alternatives, history.Length == 0 ? [] : history.Split('|'));

        Assert.Equal(allowed, mask.Allows(Id(token)));
    }

    [Fact]
    public void The_models_choice_is_kept_when_allowed()
    {
        var mask = Mask("Total,AddItem");
        var logits = Logits(("Add", 5f), ("x", 1f));

        Assert.Equal(Id("Add"), mask.Choose(logits, Id("Add"), greedyStops: false));
        Assert.Equal(new ConstraintReport(1, 0, mask.Report.Time, mask.Report.SetupTime, Unfinished: false), mask.Report);
    }

    [Fact]
    public void A_forbidden_choice_is_replaced_by_the_best_allowed_token()
    {
        var mask = Mask("Total,AddItem");
        var logits = Logits(("x", 10f), ("Add", 5f), ("Total(", 6f), ("T", 3f), ("Item", 9f));

        Assert.Equal(Id("Total("), mask.Choose(logits, Id("x"), greedyStops: false));
        Assert.Equal(1, mask.Report.Overridden);
    }

    [Fact]
    public void Stopping_is_allowed_at_the_start_and_after_a_whole_name_only()
    {
        var logits = Logits(("tal", 2f), ("Price", 1f));
        Assert.Equal(Stop, Mask("Total").Choose(logits, Stop, greedyStops: true));
        Assert.Equal(Id("tal"), Mask("Total", "", "To").Choose(logits, Stop, greedyStops: true));
        Assert.Equal(Stop, Mask("Total,TotalPrice", "", "Total").Choose(logits, Stop, greedyStops: true));
    }

    [Fact]
    public void Where_nothing_is_allowed_generation_stops()
    {
        // No token of this vocabulary starts with "Q" or continues "T" with "q": at the start the mask may still stop; after "T" it has nothing.
        Assert.Equal(Stop, Mask("Qq").Choose(Logits(("T", 1f)), Id("x"), greedyStops: false));
        Assert.Equal(-1, Mask("Tq", "", "T").Choose(Logits(("x", 1f)), Id("x"), greedyStops: false));
    }

    [Fact]
    public void The_masked_choice_is_the_best_of_all_allowed_tokens()
    {
        // The trie walk against a brute-force scan of the whole vocabulary, on random logits and random names.
        var random = new Random(7);
        string[] pool = ["Total", "TotalPrice", "To", "Add", "AddItem", "Item", "al", "x", "", "Caf\u00e9", "\u00e9t\u00e9"];
        for (var trial = 0; trial < 300; trial++)
        {
            var names = string.Join(',', pool.Where(_ => random.Next(3) == 0).DefaultIfEmpty("Total"));
            var mask = Mask(names, random.Next(2) == 0 ? "{[(" : "");
            while (mask.IsActive)
            {
                var logits = new float[Stop + 1];
                for (var i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble();
                var expected = Enumerable.Range(0, s_tokens.Length).Where(mask.Allows).Append(mask.CanStop ? Stop : -1).Where(t => t >= 0)
                    .DefaultIfEmpty(-1).MaxBy(t => t < 0 ? float.MinValue : logits[t]);
                // 999 has no bytes, so the model's choice is never allowed and the masked choice runs.
                var chosen = mask.Choose(logits, 999, greedyStops: false);
                Assert.Equal(expected, chosen);
                if (chosen < 0 || chosen == Stop) break;
                mask.Accept(chosen);
            }
        }
    }

    [Theory]
    [InlineData("", false)] // nothing generated
    [InlineData("To", true)] // part of a name
    [InlineData("Total", false)] // a whole name
    [InlineData("Total|(", false)] // left it
    public void A_text_that_ends_inside_a_name_is_reported_unfinished(string history, bool unfinished)
    {
        Assert.Equal(unfinished, Mask("Total,TotalPrice", "", history.Length == 0 ? [] : history.Split('|')).Report.Unfinished);
    }

    [Fact]
    public void After_leaving_the_identifier_the_mask_is_inactive_and_keeps_every_choice()
    {
        var mask = Mask("Total", "", "Total(");

        Assert.False(mask.IsActive);
        Assert.Equal(Id("x"), mask.Choose(Logits(("x", 1f)), Id("x"), greedyStops: false));
        Assert.Equal(0, mask.Report.Steps);
    }

    private static float[] Logits(params (string Token, float Value)[] values)
    {
        var logits = new float[Stop + 1];
        Array.Fill(logits, -100f);
        foreach (var (token, value) in values)
        {
            logits[Id(token)] = value;
        }

        return logits;
    }
}
