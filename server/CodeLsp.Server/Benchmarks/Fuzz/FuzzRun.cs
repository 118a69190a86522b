using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using CodeLsp.Server.Benchmarks.Wire;

namespace CodeLsp.Server.Benchmarks.Fuzz;

/// <summary>The outcome of one fuzz run; <see cref="Problems"/> empty means the server survived it as promised.</summary>
internal sealed record FuzzReport(
    int Seed,
    int Messages,
    IReadOnlyDictionary<string, int> ByKind,
    int ExpectedAnswers,
    int Answered,
    IReadOnlyDictionary<int, int> ErrorCodes,
    int NullIdErrorsExpected,
    int NullIdErrorsReceived,
    IReadOnlyList<double> AnswerMs,
    TimeSpan Elapsed,
    bool ServedAfterwards,
    int? ExitCode,
    double PeakMemoryMiB,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> InternalErrors);

/// <summary>
/// Sends <see cref="FuzzMessageGenerator"/>'s messages to the real executable over stdio (documents open first), then
/// checks: the process never ended, every message that carries a readable id was answered (result or error) with it,
/// a valid request is served afterwards, and shutdown + exit end it with 0. Null-id errors are counted against the
/// messages that owe one.
/// </summary>
internal static class FuzzRun
{
    public static async Task<FuzzReport> RunAsync(int seed, int count, string? server, string? dumpPath, TimeSpan answerTimeout, CancellationToken ct)
    {
        var problems = new List<string>();
        await using var child = ServerChild.Start(server);
        await child.InitializeAsync().ConfigureAwait(false);
        string[] uris = ["file:///fuzz/A.cs", "file:///fuzz/B.cs", "file:///fuzz/C.cs"];
        foreach (var uri in uris)
        {
            await child.Client.NotifyAsync(Protocol.Methods.TextDocumentDidOpen, new { textDocument = new { uri, languageId = "csharp", version = 1, text = "class C\n{\n    void M() { }\n}\n" } }).ConfigureAwait(false);
        }

        var messages = new FuzzMessageGenerator(seed, uris).Generate(count).ToList();
        await using var dump = dumpPath is null ? null : File.Create(dumpPath);
        var answers = new List<(FuzzMessage Message, Task<JsonElement> Answer)>();
        var answerMs = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        foreach (var message in messages)
        {
            ct.ThrowIfCancellationRequested();
            if (message.Expectation == FuzzExpectation.AnswerWithId)
            {
                var sent = clock.Elapsed;
                var answer = child.Client.Expect(message.IdJson!);
                _ = answer.ContinueWith(_ => answerMs.Add((clock.Elapsed - sent).TotalMilliseconds), TaskScheduler.Default);
                answers.Add((message, answer));
            }
            if (dump is not null) await dump.WriteAsync(message.Bytes, ct).ConfigureAwait(false);
            await child.Client.SendRawAsync(message.Bytes).ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(answers.Select(a => a.Answer)).WaitAsync(answerTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            problems.Add($"not every request was answered within {answerTimeout.TotalSeconds:0} s after the last message ({ex.Message})");
        }
        var elapsed = clock.Elapsed;

        var errorCodes = new Dictionary<int, int>();
        var answered = 0;
        var internalErrors = new List<string>();
        foreach (var (message, answer) in answers)
        {
            if (!answer.IsCompletedSuccessfully)
            {
                if (problems.Count < 20) problems.Add($"message #{message.Index} ({message.Kind}, id {Truncate(message.IdJson!)}) got no answer");
                continue;
            }
            answered++;
            if (answer.Result.TryGetProperty("error", out var error))
            {
                var code = error.GetProperty("code").GetInt32();
                errorCodes[code] = errorCodes.GetValueOrDefault(code) + 1;
                if (code == Protocol.LspErrorCodes.InternalError && internalErrors.Count < 10)
                {
                    internalErrors.Add($"#{message.Index} {message.Kind}: {error.GetProperty("message").GetString()}");
                }
            }
        }

        var served = false;
        if (!child.Process.HasExited)
        {
            try
            {
                var check = await child.Client.RequestAsync(Protocol.Methods.TextDocumentInlineCompletion, new
                {
                    textDocument = new { uri = "file:///fuzz/fresh.cs" },
                    position = new { line = 0, character = 0 },
                    context = new { triggerKind = 1 },
                }).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                served = check.TryGetProperty("result", out _);
                if (!served) problems.Add($"a valid request after the fuzzing was not served: {check}");
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                problems.Add($"a valid request after the fuzzing got no answer: {ex.Message}");
            }
        }
        else
        {
            problems.Add($"the server process ended during the run (exit code {child.Process.ExitCode})");
        }

        var peak = child.Memory()?.Peak ?? 0;
        int? exitCode = null;
        if (!child.Process.HasExited)
        {
            try
            {
                await child.Client.RequestAsync(Protocol.Methods.Shutdown, null).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                await child.Client.NotifyAsync(Protocol.Methods.Exit, null).ConfigureAwait(false);
                await child.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                exitCode = child.Process.ExitCode;
                if (exitCode != 0) problems.Add($"exit after shutdown ended with {exitCode}");
            }
            catch (Exception ex) when (ex is TimeoutException or IOException)
            {
                problems.Add($"shutdown/exit did not end the process: {ex.Message}");
            }
        }
        // Bad input must get a precise error (InvalidParams, InvalidRequest …), never "a handler threw".
        problems.AddRange(internalErrors.Select(e => "internal error on " + e));
        var nullIdOwed = messages.Count(m => m.Expectation == FuzzExpectation.NullIdError);
        if (child.Client.NullIdErrors.Count != nullIdOwed) problems.Add($"{child.Client.NullIdErrors.Count} errors with id null for {nullIdOwed} messages that owe one");
        if (child.Client.MalformedFrames > 0) problems.Add($"{child.Client.MalformedFrames} frame(s) from the server could not be parsed");
        if (!child.Client.UnmatchedResponses.IsEmpty) problems.Add($"{child.Client.UnmatchedResponses.Count} answer(s) carried an id that was never sent, e.g. {child.Client.UnmatchedResponses.First()}");

        return new FuzzReport(
            seed, messages.Count,
            messages.GroupBy(m => m.Kind).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            answers.Count, answered, errorCodes,
            nullIdOwed, child.Client.NullIdErrors.Count,
            [.. answerMs], elapsed, served, exitCode, peak, problems, internalErrors);
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
