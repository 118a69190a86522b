namespace CodeLsp.Server.Benchmarks.Fuzz;

/// <summary>What the server owes a fuzz message.</summary>
internal enum FuzzExpectation
{
    /// <summary>Nothing: a notification, a response, a dropped frame.</summary>
    None,

    /// <summary>An answer (result or error) carrying <see cref="FuzzMessage.IdJson"/>.</summary>
    AnswerWithId,

    /// <summary>An error with id null (ParseError or InvalidRequest).</summary>
    NullIdError,
}

/// <summary>One message of a fuzz run: the exact bytes written (header included), its kind, and what the server owes it.</summary>
internal sealed record FuzzMessage(int Index, string Kind, byte[] Bytes, FuzzExpectation Expectation, string? IdJson = null);
