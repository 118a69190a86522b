using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.NextEdits;

/// <summary>Who decided a next edit's text: the compiler (deterministic) or the model (then compile-checked).</summary>
public enum NextEditSource
{
    Compiler,
    Model,
}

/// <summary>
/// One follow-up edit at one site: replace <see cref="Range"/> of the file at <see cref="FilePath"/> (in the text the
/// analysis saw) with <see cref="NewText"/>. It passed the compile gate: it removes the site's new diagnostic and adds no error.
/// </summary>
/// <param name="Id">Unique per analysis and site; the key for shown / accepted / dismissed statistics.</param>
/// <param name="Title">What a quick fix shows ("Update call: add argument `ct`").</param>
/// <param name="Reason">Why the site needs the edit ("`Add` has a new parameter `CancellationToken ct`").</param>
/// <param name="Diagnostic">The compiler diagnostic the edit resolves ("CS7036"), when the site had one.</param>
public sealed record NextEdit(
    string Id,
    string FilePath,
    LinePositionSpan Range,
    string NewText,
    string Title,
    string Reason,
    NextEditSource Source,
    string? Diagnostic)
{
    /// <summary>Where the site's diagnostic is (it can differ from the edit: a stub goes at the end of the class, CS0535 is on its base list).</summary>
    public LinePositionSpan? DiagnosticRange { get; init; }
}

/// <summary>What the user did with a shown next edit.</summary>
public enum NextEditOutcome
{
    Accepted,
    Dismissed,
}

/// <summary>A new error or site the edit caused for which nothing is proposed, and why (for recall accounting and logs).</summary>
public sealed record ExplainedSite(string FilePath, LinePositionSpan Range, string? Diagnostic, string Why);

/// <summary>The kinds of declaration edits whose consequences the compiler can follow.</summary>
public enum EditKind
{
    Renamed,
    ParameterAdded,
    ParameterRemoved,
    ParametersReordered,
    TypeChanged,
    MadeAsync,
    AbstractMemberAdded,
    EnumMemberAdded,
}

/// <summary>
/// One detected declaration edit. <see cref="Before"/> is the symbol in the solution before the edit (for a member
/// added: the containing type before); <see cref="After"/> the symbol after (for a member added: the new member).
/// </summary>
public sealed record DeclarationChange(EditKind Kind, ISymbol Before, ISymbol After)
{
    /// <summary>For parameter edits: indexes of added (after) or removed (before) parameters; for reorders, the old index of each new position.</summary>
    public IReadOnlyList<int> Indexes { get; init; } = [];

    public override string ToString() => Kind switch
    {
        EditKind.Renamed => $"renamed {Before.Kind} `{Before.Name}` → `{After.Name}`",
        EditKind.AbstractMemberAdded or EditKind.EnumMemberAdded => $"{Kind} `{After.Name}` to `{Before.Name}`",
        _ => $"{Kind} `{Before.Name}`",
    };
}

/// <summary>The result of one analysis: the compile-checked edits, the sites that need the model, and what was explained away.</summary>
public sealed record NextEditAnalysis(
    IReadOnlyList<DeclarationChange> Changes,
    IReadOnlyList<NextEdit> Edits,
    IReadOnlyList<PendingModelEdit> ModelSites,
    IReadOnlyList<ExplainedSite> Explained,
    bool HalfTyped,
    TimeSpan Elapsed)
{
    public static readonly NextEditAnalysis Empty = new([], [], [], [], false, TimeSpan.Zero);

    /// <summary>Milliseconds per phase (check, detect, rules, gate), for the benchmark.</summary>
    public IReadOnlyDictionary<string, double> Phases { get; init; } = new Dictionary<string, double>();

    /// <summary>True when the edit left nothing to follow up (the baseline may move on).</summary>
    public bool Settled => !HalfTyped && Edits.Count == 0 && ModelSites.Count == 0 && Explained.Count == 0;
}
