using CodeLsp.Protocol;

namespace CodeLsp.Server.Tests.Infrastructure;

/// <summary>"$$" marks the caret in test text; positions are LSP positions (line, UTF-16 column).</summary>
internal static class Markup
{
    public const string Caret = "$$";

    public static (string Text, Position Caret) Parse(string markup)
    {
        var index = markup.IndexOf(Caret, StringComparison.Ordinal);
        Assert.True(index >= 0, "markup has no $$");
        var text = markup.Remove(index, Caret.Length);
        return (text, PositionOf(text, index));
    }

    /// <summary>LSP position of an offset: lines end at \r\n, \n or \r; columns count UTF-16 code units.</summary>
    public static Position PositionOf(string text, int offset)
    {
        int line = 0, lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; line++; lineStart = i + 1; }
            else if (text[i] is '\r' or '\n') { line++; lineStart = i + 1; }
        }
        return new Position(line, offset - lineStart);
    }
}
