using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Context;

/// <summary>
/// How many tokens the context may take, and how to count them. <see cref="CountTokens"/> is the model's tokenizer
/// when one is loaded; without a model, <see cref="Estimated"/> counts conservatively (<see cref="EstimatedCharsPerToken"/>
/// characters per token: what C# costs in real code-model tokenizers). <see cref="Tokenizer"/> says which, for output.
/// </summary>
public sealed record ContextBudget(int Tokens, Func<string, int> CountTokens)
{
    /// <summary>Characters per token of C# in real code-model tokenizers (3 to 3.5): the estimate stays on the safe side.</summary>
    public const double EstimatedCharsPerToken = 3.5;

    public const string EstimateName = "estimate: 3.5 characters per token";

    /// <summary>How tokens are counted, in words: the model's tokenizer or <see cref="EstimateName"/>.</summary>
    public string Tokenizer { get; init; } = EstimateName;

    /// <summary>A tokenizer-free estimate: <see cref="EstimatedCharsPerToken"/> characters per token, rounded up.</summary>
    public static int EstimateTokens(string text) => (text.Length * 2 + 6) / 7;

    public static ContextBudget Estimated(int tokens) => new(tokens, EstimateTokens);
}

/// <summary>The packed context: every candidate item (included or not), the rendered C# text, and its token count.</summary>
public sealed record PromptContext(IReadOnlyList<ContextItem> Items, string Rendered, int Tokens)
{
    public static readonly PromptContext Empty = new([], "", 0);
}

/// <summary>
/// One fact offered to the prompt. <see cref="Text"/> is C# (a signature, a declaration header, a snippet), without
/// comment markers; <see cref="Group"/> is the declaration header it is rendered under (members of one type share
/// their type's header), null for a standalone item.
/// </summary>
public sealed record ContextItem(
    string Kind, string Text, string? SourceFile, TextSpan? SourceSpan, string Why, double Score, bool Included)
{
    public string? Group { get; init; }

    /// <summary>
    /// The declared name (a member's or type's), for the compact tier: when the full text does not fit, the name may
    /// still be listed under <see cref="Container"/> (<c>// More in ValidationResult: Errors, IsValid</c>).
    /// </summary>
    public string? Name { get; init; }

    /// <summary>The short name of the type that declares it (for the compact tier).</summary>
    public string? Container { get; init; }

    /// <summary>Packed in the compact tier: its name is in the rendered text, its declaration is not.</summary>
    public bool Compact { get; init; }

    /// <summary>Collection order: breaks ties between equal scores (the earlier collected ranks first).</summary>
    internal int Sequence { get; init; }
}

/// <summary>The item kinds, as they appear in <see cref="ContextItem.Kind"/>.</summary>
public static class ContextItemKinds
{
    public const string Overload = "overload";
    public const string ReceiverMember = "receiver-member";
    public const string EnclosingMember = "enclosing-member";
    public const string Locals = "locals";
    public const string Referenced = "referenced";
    public const string TypeMember = "type-member";
    public const string TypeOutline = "type-outline";
    public const string Usings = "usings";
    public const string SimilarSnippet = "similar-snippet";
    public const string ExpectedType = "expected-type";
}

/// <summary>
/// What the caller already puts into the prompt. Declarations inside <see cref="VisibleSpan"/> are not repeated as
/// context; when it is null, the window of <see cref="DefaultPrefixLines"/> lines before and
/// <see cref="DefaultSuffixLines"/> lines after the caret is assumed (the completion pipeline's defaults).
/// </summary>
public sealed record ContextRequest(TextSpan? VisibleSpan = null)
{
    public const int DefaultPrefixLines = 96;
    public const int DefaultSuffixLines = 32;

    public static readonly ContextRequest Default = new();

    internal TextSpan ResolveVisibleSpan(SourceText text, int offset)
    {
        return VisibleSpan ?? WindowAround(text, offset, DefaultPrefixLines, DefaultSuffixLines);
    }

    public static TextSpan WindowAround(SourceText text, int offset, int prefixLines, int suffixLines)
    {
        var line = text.Lines.GetLineFromPosition(offset).LineNumber;
        var first = text.Lines[Math.Max(0, line - prefixLines)];
        var last = text.Lines[Math.Min(text.Lines.Count - 1, line + suffixLines)];
        return TextSpan.FromBounds(first.Start, last.EndIncludingLineBreak);
    }
}

/// <summary>A document the user had open or edited recently: the source of similar snippets.</summary>
public sealed record RecentDocument(string Path, SourceText Text);
