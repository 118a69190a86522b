using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Documents;

/// <summary>One open document at one version: immutable, so a reader never sees a half-applied edit.</summary>
public sealed record TextDocumentState(Uri Uri, string LanguageId, int Version, SourceText Text)
{
    /// <summary>
    /// C# by language id or by file extension: some clients send "cs", some send nothing useful.
    /// </summary>
    public bool IsCSharp =>
        LanguageId is "csharp" or "cs" or "c#" ||
        Uri.AbsolutePath.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ||
        Uri.AbsolutePath.EndsWith(".csx", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// One edit of a didChange: a range in line/UTF-16-column coordinates of the text as it is
/// when this edit is applied (edits in one notification apply in order), or the whole text when Range is null.
/// </summary>
public sealed record DocumentEdit(LinePositionSpan? Range, string NewText);
