namespace CodeLsp.Inference.Constraints;

/// <summary>
/// What the compiler allows as the rest of the identifier at the cursor: the suggestion must start with one of
/// <see cref="Names"/> (what remains of each allowed name after what the user already typed; an empty entry means the
/// typed text is already a whole name), followed by the end of the text or any character that cannot continue an
/// identifier. Once the generated text leaves the identifier, decoding is free again.
/// </summary>
/// <remarks>
/// Part of the engine contract: the in-process engine enforces it with a logit mask; remote engines may ignore it
/// (the compile check still drops what the compiler rejects).
/// </remarks>
public sealed record IdentifierConstraint(IReadOnlyList<string> Names)
{
    /// <summary>
    /// Characters that may start the suggestion instead of a name, after which decoding is free: after <c>new </c>,
    /// <c>{</c> (an anonymous object), <c>[</c> (an implicitly typed array) and <c>(</c> (a target-typed <c>new</c>).
    /// </summary>
    public string AlternativeStarts { get; init; } = "";

    /// <summary>Why these names (e.g. "members of Cart"), for logs.</summary>
    public string? Description { get; init; }
}

/// <summary>What the constraint did during one completion: for logs and <c>codelsp bench constrained</c>.</summary>
/// <param name="Steps">Tokens chosen while the constraint was active (the first identifier, and the token that left it).</param>
/// <param name="Overridden">Steps where the model's own greedy choice was not allowed and the best allowed token was taken instead.</param>
/// <param name="Time">Time spent in the constraint (trie set-up, checks and masked choices), not in the model.</param>
/// <param name="SetupTime">Part of <paramref name="Time"/> spent building the names' trie.</param>
/// <param name="Unfinished">Generation ended (token or time limit) inside a name: the text ends with part of one, which is no member.</param>
public sealed record ConstraintReport(int Steps, int Overridden, TimeSpan Time, TimeSpan SetupTime, bool Unfinished);
