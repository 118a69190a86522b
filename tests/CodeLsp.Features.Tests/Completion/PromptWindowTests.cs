using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.Completion;

public sealed class PromptWindowTests
{
    private static string Lines(int count, int width = 40) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"// line {i}".PadRight(width, '.') + "\n"));

    [Fact]
    public void Ordinary_code_starts_on_a_snapped_line_and_keeps_whole_lines()
    {
        var text = SourceText.From(Lines(200));
        var offset = text.Lines[150].Start + 5;

        var (prefix, suffix) = PromptWindow.Take(text, offset, prefixLines: 96, suffixLines: 32);

        // 150 - 96 = 54, snapped down to 32.
        Assert.StartsWith("// line 32.", prefix);
        Assert.EndsWith(text.ToString(new TextSpan(text.Lines[150].Start, 5)), prefix);
        Assert.EndsWith("// line 182".PadRight(40, '.') + "\n", suffix);
    }

    [Theory]
    [InlineData(100_000, 60_000)] // cursor in the middle of one huge line
    [InlineData(100_000, 99_999)] // near its end
    [InlineData(30_000, 20_000)]
    public void One_very_long_line_gives_a_bounded_slice_that_stays_put_while_typing(int length, int offset)
    {
        var line = new string('x', length);
        var text = SourceText.From("class C {\n" + line + "\n}\n");
        offset += 10;

        var (prefix, suffix) = PromptWindow.Take(text, offset, 96, 32);
        var (nextPrefix, _) = PromptWindow.Take(text.WithChanges(new TextChange(new TextSpan(offset, 0), "y")), offset + 1, 96, 32);

        Assert.InRange(prefix.Length, PromptWindow.DefaultMaxPrefixChars - PromptWindow.SnapChars, PromptWindow.DefaultMaxPrefixChars);
        Assert.InRange(suffix.Length, 1, PromptWindow.DefaultMaxSuffixChars);
        Assert.StartsWith(prefix, nextPrefix); // the slice's start did not move: the KV cache still matches
    }

    [Fact]
    public void Many_long_lines_start_at_the_first_line_start_within_reach()
    {
        var text = SourceText.From(Lines(100, width: 2_000));
        var offset = text.Lines[90].Start + 10;

        var (prefix, _) = PromptWindow.Take(text, offset, 96, 32);

        Assert.InRange(prefix.Length, 1, PromptWindow.DefaultMaxPrefixChars);
        Assert.StartsWith("// line ", prefix);
    }
}
