namespace CodeLsp.Inference.Engines.Remote;

/// <summary>
/// Makes a remote chat answer honour <see cref="ChatRequest"/>'s contract, which the local engine meets by
/// pre-filling the assistant turn. Servers cannot all pre-fill, so the model writes the
/// <see cref="ChatRequest.ResponsePrefix"/> itself (e.g. an opening <c>```csharp</c> fence): it is removed here, and
/// the <see cref="ChatRequest.Stop"/> strings are matched here, after it — a server matching them would stop at
/// the opening fence. Without a prefix, stops are also sent to the server; matching them again is harmless.
/// </summary>
internal sealed class ChatAnswerShaper(ChatRequest request)
{
    private readonly System.Text.StringBuilder _raw = new();

    /// <summary>True once a stop string was seen; the answer is complete.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The answer so far: after the response prefix, before any stop string.</summary>
    public string Text { get; private set; } = "";

    /// <summary>Stop strings the server may apply itself (none when a prefix must be seen first).</summary>
    public IReadOnlyList<string> ServerStops => request.ResponsePrefix is { Length: > 0 } ? [] : request.Stop;

    /// <summary>Adds a streamed piece; true when the answer is complete (a stop string appeared).</summary>
    public bool Add(string? piece)
    {
        if (Stopped || string.IsNullOrEmpty(piece)) return Stopped;
        _raw.Append(piece);
        var body = AfterPrefix(_raw.ToString());
        if (body is null) return false;
        var cut = -1;
        foreach (var stop in request.Stop)
        {
            if (stop.Length == 0) continue;
            var at = body.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            body = body[..cut];
            Stopped = true;
        }
        Text = body;
        return Stopped;
    }

    /// <summary>The raw text after the response prefix; null while it cannot yet tell whether the prefix is coming.</summary>
    private string? AfterPrefix(string raw)
    {
        if (request.ResponsePrefix is not { Length: > 0 } prefix) return raw;
        // The prefix as the model wrote it, whitespace aside ("{\n  \"summary\": \"" for "{\"summary\": \"").
        int p = 0, r = 0, matchedEnd = 0;
        while (true)
        {
            while (p < prefix.Length && char.IsWhiteSpace(prefix[p])) p++;
            while (r < raw.Length && char.IsWhiteSpace(raw[r])) r++;
            if (p == prefix.Length)
            {
                // All of it: the answer starts after it (and after a line break that closes it, as a fence's does).
                var end = matchedEnd;
                if (prefix.EndsWith('\n'))
                {
                    var newline = raw.IndexOf('\n', end);
                    if (newline < 0) return null;
                    if (raw.AsSpan(end, newline - end).IsWhiteSpace()) end = newline + 1;
                }
                return raw[end..];
            }
            if (r == raw.Length) return null;
            if (raw[r] != prefix[p]) break;
            p++;
            r++;
            matchedEnd = r;
        }
        var rest = raw.AsSpan(raw.Length - raw.TrimStart().Length);
        // A fence in another spelling ("```cs", "```"): drop the model's whole opening fence line.
        if (prefix.TrimStart().StartsWith("```", StringComparison.Ordinal) && rest.StartsWith("```", StringComparison.Ordinal))
        {
            var newline = rest.IndexOf('\n');
            if (newline < 0) return null;
            return raw[(raw.Length - rest.Length + newline + 1)..];
        }
        return raw;
    }
}
