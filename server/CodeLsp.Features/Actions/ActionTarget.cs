using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions;

/// <summary>What one call to the model produced, with its cost.</summary>
internal sealed record ModelAnswer(string Text, int PromptTokens, TimeSpan PromptTime, int GeneratedTokens, TimeSpan GenerationTime)
{
    public static ModelAnswer From(ChatCompletion c, string text) => new(text, c.PromptTokens, c.PromptTime, c.GeneratedTokens, c.GenerationTime);

    public static ModelAnswer From(FimCompletion c, string text) => new(text, c.PromptTokens, c.PromptTime, c.GeneratedTokens, c.GenerationTime);

    public ModelAnswer Plus(ModelAnswer other, string text) => new(text, PromptTokens + other.PromptTokens, PromptTime + other.PromptTime,
        GeneratedTokens + other.GeneratedTokens, GenerationTime + other.GenerationTime);
}

/// <summary>A spliced answer: the parse gate's verdict and, when it passed, the candidate for the other gates.</summary>
internal sealed record Splice(GateVerdict Parse, Candidate? Candidate, string Shown);

/// <summary>
/// One resolved action: the code it works on, how it asks the model, how an answer becomes a candidate document,
/// and which gates that candidate must pass. One subclass per action.
/// </summary>
internal abstract class ActionTarget(Document document, SourceText text)
{
    public Document Document { get; } = document;

    public SourceText Text { get; } = text;

    /// <summary>The span of <see cref="Text"/> the edit may touch (empty for a new file).</summary>
    public abstract TextSpan Scope { get; }

    /// <summary>"an implementation of Total", used in messages.</summary>
    public abstract string Describe { get; }

    /// <summary>Asks the model; <paramref name="previous"/> carries the previous attempt's problems on the one retry.</summary>
    public abstract Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken);

    /// <summary>Turns the answer into a candidate document (parse gate first; nothing else runs on a parse failure).</summary>
    public abstract Task<Splice> SpliceAsync(string answer, CancellationToken cancellationToken);

    /// <summary>The gates after parsing and clean-up, in order.</summary>
    public abstract IReadOnlyList<IValidationGate> Gates { get; }

    /// <summary>Edits that need no model, offered when the model's attempts fail (null: none).</summary>
    public virtual Task<(string Title, Document Document)?> FallbackAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(string, Document)?>(null);

    /// <summary>The previous attempt on a retry: its answer and what the gates said.</summary>
    public sealed record Attempted(string Answer, string Problems);

    protected static GenerationLimits Limits(ActionOptions options, int maxTokens, Func<string, bool>? stopWhen = null) =>
        new(Math.Min(maxTokens, options.MaxTokens), options.TimeLimit) { Priority = WorkPriority.Background, StopWhen = stopWhen };
}

/// <summary>Bounds for an action's model calls.</summary>
public sealed record ActionOptions
{
    /// <summary>Most tokens per answer (each action asks for less when it needs less).</summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary>Most time per model call.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>At most one retry that feeds the compiler's errors back.</summary>
    public bool Retry { get; init; } = true;
}

/// <summary>The prompt conventions small instruct models follow: one fenced csharp block, the instruction last, the answer pre-opened.</summary>
internal static class FencedAnswer
{
    public const string System =
        "You are an expert C# developer. Answer with exactly one ```csharp code block and nothing else: no explanation before or after it.";

    public static ChatRequest Request(string user) =>
        new([new ChatMessage("system", System), new ChatMessage("user", user)]) { ResponsePrefix = "```csharp\n", Stop = ["```"] };

    /// <summary>The code inside the answer: a repeated opening fence dropped, cut at a closing fence.</summary>
    public static string Code(string answer)
    {
        var text = answer;
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0 && text[..fence].Trim().Length == 0)
        {
            var newline = text.IndexOf('\n', fence);
            text = newline < 0 ? "" : text[(newline + 1)..];
        }

        var close = text.IndexOf("```", StringComparison.Ordinal);
        if (close >= 0) text = text[..close];
        return text.Trim('\r', '\n');
    }

    public static string Retry(ActionTarget.Attempted? previous) => previous is null ? "" :
        $"\n\nYour previous answer was rejected: {previous.Problems}\nPrevious answer:\n```csharp\n{Shorten(previous.Answer)}\n```\nFix only these problems.";

    // A long rejected answer would crowd the context; its start shows the model what was wrong.
    private static string Shorten(string answer) => answer.Length <= 2000 ? answer : answer[..2000] + "\n// …";
}
