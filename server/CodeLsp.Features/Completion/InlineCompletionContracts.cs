using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Completion;

public enum CompletionTrigger
{
    /// <summary>The editor asked while the user typed.</summary>
    Automatic,
    /// <summary>The user asked explicitly: always answered.</summary>
    Invoked,
}

/// <summary>The item selected in the editor's own completion list (LSP 3.18 selectedCompletionInfo), as an offset span.</summary>
public sealed record SelectedCompletion(TextSpan Range, string Text);

/// <summary>An inline completion request, already converted from LSP coordinates.</summary>
public sealed record InlineCompletionQuery(
    TextDocumentState Document,
    int Offset,
    CompletionTrigger Trigger,
    SelectedCompletion? Selected = null);

/// <summary>One suggestion: replace <see cref="Range"/> of the queried document with <see cref="InsertText"/>.</summary>
public sealed record InlineSuggestion(string InsertText, TextSpan Range, string SuggestionId);
