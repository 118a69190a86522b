using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Documents;

/// <summary>
/// Owns the set of open documents. Writers (the request queue's mutating lane) call Open/Change/Close one at a time;
/// readers take <see cref="Current"/>, an immutable map that later edits never modify.
/// </summary>
public sealed class DocumentStore
{
    private ImmutableDictionary<Uri, TextDocumentState> _documents = ImmutableDictionary<Uri, TextDocumentState>.Empty;

    public ImmutableDictionary<Uri, TextDocumentState> Current => Volatile.Read(ref _documents);

    public TextDocumentState? Get(Uri uri) => Current.GetValueOrDefault(uri);

    public TextDocumentState Open(Uri uri, string languageId, int version, string text)
    {
        var state = new TextDocumentState(uri, languageId, version, SourceText.From(text));
        Volatile.Write(ref _documents, Current.SetItem(uri, state));
        return state;
    }

    /// <summary>Applies the edits in order. Versions may jump (clients skip numbers); ranges outside the text are clamped.</summary>
    public TextDocumentState Change(Uri uri, int version, IReadOnlyList<DocumentEdit> edits)
    {
        var state = Get(uri) ?? throw new DocumentNotOpenException(uri);
        var text = state.Text;
        foreach (var edit in edits)
        {
            text = edit.Range is { } range
                ? text.WithChanges(new TextChange(ToSpan(text, range), edit.NewText))
                : SourceText.From(edit.NewText);
        }
        var next = state with { Version = version, Text = text };
        Volatile.Write(ref _documents, Current.SetItem(uri, next));
        return next;
    }

    public bool Close(Uri uri)
    {
        var before = Current;
        Volatile.Write(ref _documents, before.Remove(uri));
        return before.ContainsKey(uri);
    }

    /// <summary>Line/UTF-16 column to offset, clamping past-the-end lines and columns as LSP asks.</summary>
    public static int ToOffset(SourceText text, LinePosition position)
    {
        if (position.Line < 0) return 0;
        if (position.Line >= text.Lines.Count) return text.Length;
        var line = text.Lines[position.Line];
        return line.Start + Math.Clamp(position.Character, 0, line.End - line.Start);
    }

    public static TextSpan ToSpan(SourceText text, LinePositionSpan span)
    {
        var start = ToOffset(text, span.Start);
        var end = Math.Max(start, ToOffset(text, span.End));
        return TextSpan.FromBounds(start, end);
    }
}

public sealed class DocumentNotOpenException(Uri uri) : Exception($"Document is not open: {uri}")
{
    public Uri Uri { get; } = uri;
}
