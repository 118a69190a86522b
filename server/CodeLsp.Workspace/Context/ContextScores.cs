namespace CodeLsp.Workspace.Context;

/// <summary>Scores: one place, so the ranking is readable and documented (docs/context.md copies this table).</summary>
internal static class ContextScores
{
    public const double Overload = 1.00;
    public const double ReceiverMemberSource = 0.95;
    public const double ReceiverInheritedSource = 0.90;
    public const double ReceiverExtensionSource = 0.85;
    public const double ReceiverInheritedMetadata = 0.72;
    public const double ReceiverMemberMetadata = 0.78;
    public const double ReceiverExtensionMetadata = 0.60;
    public const double ChainedMember = 0.60;
    public const double OverloadAfterDot = 0.74;
    public const double TypedPrefixBonus = 0.10;
    public const double TypedPrefixMismatch = -0.35;
    public const double EnclosingMember = 0.92;
    public const double Locals = 0.88;

    /// <summary>The members of the enum the code expects a value of (<c>order.Status = </c>): the answer is one of them.</summary>
    public const double ExpectedEnum = 0.93;

    /// <summary>Static members returning the expected type (<c>Money.Zero</c>, <c>TimeSpan.FromSeconds</c>).</summary>
    public const double ExpectedTypeStatic = 0.76;
    public const double ReferencedSource = 0.80;

    /// <summary>
    /// At a statement start the code already used is written in the window; what the next statement needs is
    /// more often another member of the objects in scope, so the types' members rank above it there.
    /// </summary>
    public const double ReferencedSourceAtStatementStart = 0.66;
    public const double ReferencedMetadata = 0.40;
    public const double DistanceDecay = 0.15;
    public const double ScopeTypeMemberSource = 0.70;
    public const double ScopeTypeMemberMetadata = 0.30;
    public const double TypeOutline = 0.62;
    public const double Usings = 0.50;
    public const double SimilarSnippetScale = 0.45;

    /// <summary>
    /// At the start of a statement (no receiver, no open call) the next line is "more code like this", which
    /// similar snippets predict well: they rank from 0.40 (no overlap) to 0.80 (identical identifiers), below the
    /// members of the types in use unless the lines are nearly the same (measured on three real solutions: snippets
    /// of 12 lines cost a fifth of a 512-token budget each and carried few answers).
    /// </summary>
    public const double StatementStartSnippetFloor = 0.40;
    public const double StatementStartSnippetScale = 0.40;

    /// <summary>What the solution's use of a name adds (<see cref="UsageIndex.Bonus"/>): up to this much, reached at <see cref="UsageSaturation"/> uses.</summary>
    public const double UsageBonus = 0.20;

    public const int UsageSaturation = 256;

    /// <summary>A framework member this solution never names is less likely next than one it uses.</summary>
    public const double UnusedMetadataMember = -0.05;
}

/// <summary>How many items a collector offers at most: the packer chooses among them, these bound the work.</summary>
internal static class ContextLimits
{
    public const int MaxReceiverMembers = 60;
    public const int MaxMembersPerType = 24;
    public const int MaxOutlineMembers = 40;
    public const int MaxScopeTypes = 12;
    public const int MaxChainedTypes = 6;

    /// <summary>How many of the receiver's best members lead one step further (<c>receiver.Member.</c>).</summary>
    public const int MaxChainSources = 10;

    /// <summary>Members offered per type reached one step further.</summary>
    public const int MaxChainedMembers = 12;

    /// <summary>How many of the types in use (nearest first) also offer the extension methods the solution calls on them.</summary>
    public const int MaxExtendedScopeTypes = 3;

    /// <summary>Most time spent binding the names near the caret (nearest first); the rest of the request is cheap.</summary>
    public static readonly TimeSpan ReferencedBindingBudget = TimeSpan.FromMilliseconds(10);

    /// <summary>The nearest names bound whatever the budget says, so the context does not depend on the machine's load.</summary>
    public const int MinBoundNames = 12;
}
