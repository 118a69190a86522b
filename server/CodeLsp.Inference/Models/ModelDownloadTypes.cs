namespace CodeLsp.Inference.Models;

/// <summary>What to pull and where to put it.</summary>
public sealed record ModelDownloadRequest
{
    public required Uri Url { get; init; }

    /// <summary>The folder the finished file is renamed into.</summary>
    public required string Directory { get; init; }

    /// <summary>The finished file's name; the download runs in <c>FileName + ".part"</c> beside it.</summary>
    public required string FileName { get; init; }

    /// <summary>Lower-case hex sha256 the file must have; null: not verified (the computed hash is reported).</summary>
    public string? Sha256 { get; init; }

    /// <summary>Most times a cut connection is resumed with <c>Range</c> inside one pull before giving up.</summary>
    public int MaxResumes { get; init; } = 3;

    /// <summary>A read that brings no byte for this long fails with a timeout (the partial file is kept).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string FinalPath => Path.Combine(Directory, FileName);
    public string PartialPath => FinalPath + ".part";
}

/// <summary>A progress sample: bytes on disk so far (including a resumed part), the total when the server said it, speed and ETA.</summary>
public sealed record DownloadProgress(long Received, long? Total, double BytesPerSecond, TimeSpan? Eta);

/// <summary>Something the user should know that is not a failure: a resume, a restart from zero and why.</summary>
public sealed record DownloadNotice(string Message);

/// <summary>The verified file in its final place.</summary>
public sealed record ModelDownloadResult
{
    public required string Path { get; init; }
    public required long Bytes { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>Whether <see cref="Sha256"/> was compared with an expected value (false: nothing to compare with).</summary>
    public required bool Verified { get; init; }

    /// <summary>Bytes already on disk from an earlier attempt when this pull started (0: fresh).</summary>
    public required long ResumedFrom { get; init; }

    /// <summary>True when the file was already there, complete and verified, and nothing was fetched.</summary>
    public bool AlreadyPresent { get; init; }
}

public enum DownloadFailure
{
    NotFound,
    RangeNotSatisfiable,
    HttpStatus,
    Tls,
    Timeout,
    Network,
    ChecksumMismatch,
    NotAModel,
    DiskSpace,
    Conflict,
}

/// <summary>A pull that failed, with a message that says what happened and what to do.</summary>
public sealed class ModelDownloadException(DownloadFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public DownloadFailure Failure { get; } = failure;

    /// <summary>True when running the same pull again continues from the kept partial file.</summary>
    public bool Resumable => Failure is DownloadFailure.Timeout or DownloadFailure.Network;
}
