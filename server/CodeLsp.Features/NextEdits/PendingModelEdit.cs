using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>
/// A site where the compiler knows where and what kind of text is missing but not its value — a new argument with
/// no matching name in scope. The model fills it in (FIM at <see cref="Offset"/>, between <see cref="Before"/> and
/// <see cref="After"/>) only when a client asks for next edits, never inside a code action; the result then passes the gate.
/// </summary>
public sealed record PendingModelEdit(
    Document Document,
    int Offset,
    string Before,
    string After,
    string TypeName,
    string ParameterName,
    string Title,
    string Reason,
    Diagnostic? SiteDiagnostic,
    TextSpan Scope)
{
    public string FilePath => Document.FilePath ?? Document.Name;
}
