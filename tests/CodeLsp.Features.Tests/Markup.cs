namespace CodeLsp.Features.Tests;

/// <summary>Test markup: "$$" marks the caret.</summary>
internal static class Markup
{
    public static (string Text, int Caret) Parse(string markup)
    {
        var caret = markup.IndexOf("$$", StringComparison.Ordinal);
        if (caret < 0) throw new ArgumentException("markup has no $$ caret", nameof(markup));
        return (markup.Remove(caret, 2), caret);
    }
}
