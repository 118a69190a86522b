using CodeLsp.Inference;
using CodeLsp.Inference.Engines;

namespace CodeLsp.Features.Tests.Actions;

/// <summary>
/// An engine that answers from a script (one answer per call, the last repeated): only for tests of the action
/// pipeline's own logic — gates, retries, edits. The real model path is tested on the tiny model.
/// </summary>
internal sealed class ScriptedEngine(bool chat, bool fim, params string[] answers) : IInferenceEngine
{
    private int _calls;

    public List<ChatRequest> ChatRequests { get; } = [];

    public List<FimPrompt> FimPrompts { get; } = [];

    /// <summary>When set, every call waits for cancellation (to test that cancelling stops the action).</summary>
    public bool Hang { get; init; }

    public EngineInfo Info { get; } = new()
    {
        Kind = "scripted", ModelName = "scripted", Location = "/scripted", ContextSize = 8192,
        SupportsFim = fim, SupportsChat = chat, ExactTokenCounts = false,
    };

    public int CountTokens(string text) => (text.Length + 3) / 4;

    public async Task<ChatCompletion> ChatAsync(ChatRequest request, GenerationLimits limits, CancellationToken cancellationToken)
    {
        if (!chat) throw new NotSupportedException("no chat");
        ChatRequests.Add(request);
        var text = await NextAsync(cancellationToken);
        // As a real engine does: the response prefix is not part of the text; a stop string ends it.
        if (request.ResponsePrefix is { } prefix && text.StartsWith(prefix, StringComparison.Ordinal)) text = text[prefix.Length..];
        foreach (var stop in request.Stop)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0) text = text[..at];
        }

        return new ChatCompletion(text, StopReason.EndOfGeneration, 100, TimeSpan.FromMilliseconds(1), 20, TimeSpan.FromMilliseconds(1));
    }

    public async Task<FimCompletion> CompleteAsync(FimPrompt prompt, GenerationLimits limits, CancellationToken cancellationToken)
    {
        if (!fim) throw new NotSupportedException("no FIM");
        FimPrompts.Add(prompt);
        var text = await NextAsync(cancellationToken);
        return new FimCompletion(text, StopReason.EndOfGeneration, 100, 0, TimeSpan.FromMilliseconds(1), 20, TimeSpan.FromMilliseconds(1));
    }

    private async Task<string> NextAsync(CancellationToken cancellationToken)
    {
        if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var i = Math.Min(_calls++, answers.Length - 1);
        return answers[i];
    }

    public void Dispose() { }
}
