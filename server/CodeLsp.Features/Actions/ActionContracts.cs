using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions;

/// <summary>The five AI actions of the first release.</summary>
public enum AiActionKind
{
    /// <summary>Fix with AI: CSxxxx — a quick fix on a compiler error.</summary>
    Fix,
    /// <summary>Implement with AI — a member whose body only throws NotImplementedException.</summary>
    Implement,
    /// <summary>Implement missing members with AI — CS0535 / CS0534.</summary>
    ImplementMissing,
    /// <summary>Write XML docs with AI — a declaration without <c>///</c>.</summary>
    Docs,
    /// <summary>Generate tests with AI — a new test file in a test project that references the method's project.</summary>
    Tests,
}

/// <summary>How the <c>action</c> argument of the run command spells each kind.</summary>
public static class AiActionNames
{
    public const string RunCommand = "codelsp.ai.run";

    private static readonly (AiActionKind Kind, string Name)[] s_names =
    [
        (AiActionKind.Fix, "fix"), (AiActionKind.Implement, "implement"), (AiActionKind.ImplementMissing, "implementMissing"),
        (AiActionKind.Docs, "docs"), (AiActionKind.Tests, "tests"),
    ];

    public static IEnumerable<string> All => s_names.Select(n => n.Name);

    public static string Name(AiActionKind kind) => s_names.First(n => n.Kind == kind).Name;

    public static AiActionKind? Parse(string? name) =>
        s_names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Kind : null;
}

/// <summary>A request for the actions at a range (from textDocument/codeAction, already in domain terms).</summary>
public sealed record CodeActionQuery(TextDocumentState Document, LinePositionSpan Range, bool Automatic)
{
    /// <summary>Kinds the client asked for (prefixes, as LSP's <c>context.only</c>); null: all.</summary>
    public IReadOnlyList<string>? Only { get; init; }
}

/// <summary>What the run command carries: which action, on which document version, at which range.</summary>
public sealed record AiActionArguments(AiActionKind Action, Uri Uri, int Version, LinePositionSpan Range)
{
    public string? DiagnosticId { get; init; }
}

/// <summary>A diagnostic an action addresses (listed with a quick fix so the editor ties them together).</summary>
public sealed record OfferedDiagnostic(LinePositionSpan Range, string Id, string Message, bool IsError);

/// <summary>
/// One entry of the code-action menu. AI actions carry <see cref="Arguments"/> for the run command (never an edit: the
/// model runs only when the user picks it). <see cref="DisabledReason"/> set: listed but not runnable, and why.
/// </summary>
public sealed record ActionOffer(string Title, string Kind)
{
    public AiActionArguments? Arguments { get; init; }

    public string? DisabledReason { get; init; }

    /// <summary>True for model-made edits (the client may mark them, e.g. VS Code's sparkle).</summary>
    public bool IsAi { get; init; }

    public IReadOnlyList<OfferedDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>A deterministic edit, for providers that have one (not AI actions).</summary>
    public IReadOnlyList<FileEdit>? Edits { get; init; }
}

/// <summary>
/// A source of code actions at a range. Pure and fast: the model never runs here (VS Code resolves on hover and
/// cannot cancel). AI actions, next edits and any later provider plug in as one of these.
/// </summary>
public interface ICodeActionProvider
{
    Task<IReadOnlyList<ActionOffer>> GetActionsAsync(CodeActionQuery query, CancellationToken cancellationToken);
}

/// <summary>One replacement in a document: <see cref="Range"/> of the text the edit was computed on.</summary>
public sealed record RangeEdit(LinePositionSpan Range, string NewText);

/// <summary>The edits of one file: a change of an open document at <see cref="Version"/>, or a new file.</summary>
public sealed record FileEdit(Uri Uri, int? Version, IReadOnlyList<RangeEdit> Edits)
{
    /// <summary>Set for a file the action creates; <see cref="Edits"/> then holds one insertion of the whole text.</summary>
    public bool IsNewFile { get; init; }
}

/// <summary>Kinds of code action, as LSP spells them (hierarchical, so a client can filter on a prefix).</summary>
public static class ActionKinds
{
    public const string QuickFixAi = "quickfix.codelsp.ai";
    public const string ImplementAi = "refactor.rewrite.codelsp.ai.implement";
    public const string DocsAi = "refactor.rewrite.codelsp.ai.docs";
    public const string TestsAi = "refactor.rewrite.codelsp.ai.tests";

    /// <summary>True when <paramref name="kind"/> is one of the kinds in <paramref name="only"/> or below it.</summary>
    public static bool Matches(string kind, IReadOnlyList<string>? only) =>
        only is null || only.Count == 0 || only.Any(o => kind == o || kind.StartsWith(o + ".", StringComparison.Ordinal));
}
