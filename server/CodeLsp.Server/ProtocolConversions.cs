using CodeLsp.Protocol;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;
using StreamJsonRpc;
using Range = CodeLsp.Protocol.Range;

namespace CodeLsp.Server;

/// <summary>
/// The one place where LSP positions and ranges (line, UTF-16 column) meet Roslyn's <see cref="LinePosition"/>,
/// <see cref="LinePositionSpan"/> and <see cref="TextSpan"/>. Both count columns in UTF-16 code units, so no re-encoding happens.
/// </summary>
internal static class ProtocolConversions
{
    public static LinePosition ToLinePosition(Position position) =>
        new(Math.Max(0, position.Line), Math.Max(0, position.Character));

    public static LinePositionSpan ToLinePositionSpan(Range range)
    {
        var start = ToLinePosition(range.Start);
        var end = ToLinePosition(range.End);
        return end < start ? new LinePositionSpan(start, start) : new LinePositionSpan(start, end);
    }

    public static Position ToPosition(LinePosition position) => new(position.Line, position.Character);

    public static Range ToRange(LinePositionSpan span) => new(ToPosition(span.Start), ToPosition(span.End));

    public static Range ToRange(SourceText text, TextSpan span) => ToRange(text.Lines.GetLinePositionSpan(span));

    /// <summary>A didChange entry as a document edit: a range edit, or the whole text when the range is absent.</summary>
    public static DocumentEdit ToDocumentEdit(TextDocumentContentChangeEvent change) =>
        new(change.Range is { } range ? ToLinePositionSpan(range) : null, change.Text);

    /// <summary>
    /// Offset of a position the client asks about. Unlike edits (which clamp), a position outside the text means the client and
    /// server disagree about the document, so it is an InvalidParams error naming both sizes.
    /// </summary>
    public static int ToOffsetOrThrow(SourceText text, Position position)
    {
        if (position.Line < 0 || position.Character < 0 || position.Line >= text.Lines.Count)
        {
            throw InvalidPosition(position, $"the document has {text.Lines.Count} line(s)");
        }
        var line = text.Lines[position.Line];
        if (position.Character > line.Span.Length)
        {
            throw InvalidPosition(position, $"line {position.Line} has {line.Span.Length} UTF-16 code unit(s)");
        }
        return line.Start + position.Character;
    }

    /// <summary>A range the client sends alongside a request (selectedCompletionInfo), as a span; throws like <see cref="ToOffsetOrThrow"/>.</summary>
    public static TextSpan ToTextSpanOrThrow(SourceText text, Range range)
    {
        var start = ToOffsetOrThrow(text, range.Start);
        var end = ToOffsetOrThrow(text, range.End);
        return end < start ? new TextSpan(start, 0) : TextSpan.FromBounds(start, end);
    }

    private static LocalRpcException InvalidPosition(Position position, string why) =>
        new($"Position {position.Line}:{position.Character} is outside the document: {why}.") { ErrorCode = LspErrorCodes.InvalidParams };
}
