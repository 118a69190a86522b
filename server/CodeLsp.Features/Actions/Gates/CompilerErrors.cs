using System.Globalization;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>The compiler's errors in a document, in the form the gates compare and the user reads.</summary>
internal static class CompilerErrors
{
    public static async Task<IReadOnlyList<Diagnostic>> OfAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan? span, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null) return [];
        return model.GetDiagnostics(span, cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    public static string Key(Diagnostic d) => $"{d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}";

    /// <summary>"CS0103 The name 'x' does not exist in the current context (line 12)".</summary>
    public static string Describe(Diagnostic d) =>
        $"{d.Id} {d.GetMessage(CultureInfo.InvariantCulture)} (line {d.Location.GetLineSpan().StartLinePosition.Line + 1})";
}
