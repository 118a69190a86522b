using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using CodeLsp.Protocol;
using Serilog;
using StreamJsonRpc.Protocol;

namespace CodeLsp.Server.Hosting;

/// <summary>
/// Sits between the client's byte stream and StreamJsonRpc, which closes the connection on the first malformed message.
/// Reads LSP frames (<c>Content-Length: N\r\n\r\n</c> + N bytes) and reads each body's JSON-RPC envelope
/// (<see cref="JsonRpcEnvelope"/>): well-formed requests, notifications and responses go on, re-framed, into a pipe that
/// StreamJsonRpc reads; a body that is not JSON is answered ParseError and a request the server cannot take InvalidRequest
/// (through <paramref name="answer"/>, id null when none could be read), as JSON-RPC 2.0 asks; malformed responses and
/// notifications are dropped. Everything dropped is logged (the bytes only at Debug). After a bad header it resynchronizes
/// at the next "Content-Length:".
/// </summary>
internal sealed class IncomingFrameFilter(Stream input, PipeWriter output, ILogger logger, Func<JsonRpcError, ValueTask>? answer = null)
{
    private const int MaxHeaderBytes = 8 * 1024;
    private const int MaxContentLength = 256 * 1024 * 1024;
    private static readonly byte[] ContentLengthName = "Content-Length:"u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly ILogger _logger = logger.ForContext<IncomingFrameFilter>();

    /// <summary>Number of frames dropped so far (for tests and diagnostics).</summary>
    public int DroppedFrames { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                var header = await ReadHeaderAsync(reader, cancellationToken).ConfigureAwait(false);
                if (header is null)
                {
                    return;
                }

                var result = await reader.ReadAtLeastAsync(header.Value, cancellationToken).ConfigureAwait(false);
                if (result.Buffer.Length < header.Value)
                {
                    _logger.Warning("The client's stream ended inside a message body ({Have} of {Want} bytes)", result.Buffer.Length, header.Value);
                    return;
                }
                var body = result.Buffer.Slice(0, header.Value);
                var envelope = JsonRpcEnvelope.Read(body);
                if (envelope.IsForwarded)
                {
                    await WriteFrameAsync(body, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Drop(Describe(envelope), body);
                    await AnswerAsync(envelope).ConfigureAwait(false);
                }
                reader.AdvanceTo(body.End);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            _logger.Information("The client's stream failed: {Message}", ex.Message);
        }
        catch (ObjectDisposedException)
        {
            // The input was closed under us (in-process hosts share one duplex stream for input and output).
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Reads one header block; returns its Content-Length, or null at the end of the stream.</summary>
    private async Task<int?> ReadHeaderAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var end = Find(buffer, HeaderEnd);
            if (end < 0)
            {
                if (result.IsCompleted)
                {
                    if (!IsBlank(buffer))
                    {
                        Drop("the stream ended inside a header", buffer);
                    }
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                if (buffer.Length > MaxHeaderBytes)
                {
                    Drop("header block too long", buffer.Slice(0, Math.Min(buffer.Length, 200)));
                    reader.AdvanceTo(SkipToNextContentLength(buffer, 1));
                    continue;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            var headerBytes = buffer.Slice(0, end);
            var afterHeader = buffer.GetPosition(end + HeaderEnd.Length);
            if (TryParseHeaders(headerBytes, out var contentLength, out var problem))
            {
                reader.AdvanceTo(afterHeader);
                return contentLength;
            }

            Drop(problem, headerBytes);
            // A broken header may have swallowed the start of the next frame: resume at the next Content-Length after this one's start.
            reader.AdvanceTo(SkipToNextContentLength(buffer, 1));
        }
    }

    private static bool TryParseHeaders(ReadOnlySequence<byte> headerBytes, out int contentLength, out string problem)
    {
        contentLength = -1;
        var text = Encoding.ASCII.GetString(headerBytes);
        foreach (var line in text.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                continue; // stray blank lines between frames
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                problem = $"header line without a name: '{Truncate(line)}'";
                return false;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out contentLength)
                    || contentLength <= 0 || contentLength > MaxContentLength)
                {
                    problem = $"bad Content-Length '{Truncate(value)}'";
                    return false;
                }
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                && value.Contains("charset", StringComparison.OrdinalIgnoreCase)
                && !value.Contains("utf-8", StringComparison.OrdinalIgnoreCase)
                && !value.Contains("utf8", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"unsupported Content-Type '{Truncate(value)}' (only utf-8)";
                return false;
            }
        }
        if (contentLength < 0)
        {
            problem = "no Content-Length header";
            return false;
        }
        problem = "";
        return true;
    }

    private static string Describe(JsonRpcEnvelope envelope) => envelope.Kind switch
    {
        EnvelopeKind.ParseError => $"malformed body ({envelope.Problem})",
        EnvelopeKind.InvalidRequest => $"invalid request ({envelope.Problem})",
        EnvelopeKind.InvalidResponse => $"invalid response ({envelope.Problem})",
        _ => $"invalid notification ({envelope.Problem})",
    };

    private async ValueTask AnswerAsync(JsonRpcEnvelope envelope)
    {
        var code = envelope.Kind switch
        {
            EnvelopeKind.ParseError => LspErrorCodes.ParseError,
            EnvelopeKind.InvalidRequest => LspErrorCodes.InvalidRequest,
            _ => (int?)null,
        };
        if (code is null || answer is null) return;
        var error = new JsonRpcError
        {
            RequestId = envelope.Id,
            Error = new JsonRpcError.ErrorDetail
            {
                Code = (JsonRpcErrorCode)code.Value,
                Message = code == LspErrorCodes.ParseError ? $"Parse error: {envelope.Problem}" : $"Invalid request: {envelope.Problem}",
            },
        };
        try
        {
            await answer(error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.Debug("Could not answer a malformed message: {Message}", ex.Message);
        }
    }

    private async Task WriteFrameAsync(ReadOnlySequence<byte> body, CancellationToken cancellationToken)
    {
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        output.Write(header);
        foreach (var segment in body)
        {
            output.Write(segment.Span);
        }
        var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            throw new OperationCanceledException("StreamJsonRpc stopped reading.");
        }
    }

    private void Drop(string reason, ReadOnlySequence<byte> bytes)
    {
        DroppedFrames++;
        _logger.Warning("Dropped a malformed message from the client: {Reason}", reason);
        _logger.Debug("Dropped bytes: {Bytes}", Truncate(Encoding.UTF8.GetString(bytes.Slice(0, Math.Min(bytes.Length, 400)))));
    }

    /// <summary>Position of the next "Content-Length:" at or after <paramref name="from"/>, or near the end of the buffer if none.</summary>
    private static SequencePosition SkipToNextContentLength(ReadOnlySequence<byte> buffer, long from)
    {
        var rest = buffer.Slice(Math.Min(from, buffer.Length));
        var index = Find(rest, ContentLengthName);
        if (index >= 0)
        {
            return rest.GetPosition(index);
        }
        // Keep a tail that may hold the beginning of a "Content-Length:" split across reads.
        var keep = Math.Min(rest.Length, ContentLengthName.Length - 1);
        return rest.GetPosition(rest.Length - keep);
    }

    private static long Find(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> value)
    {
        if (buffer.IsSingleSegment)
        {
            return buffer.FirstSpan.IndexOf(value);
        }
        return buffer.ToArray().AsSpan().IndexOf(value);
    }

    private static bool IsBlank(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')) return false;
            }
        }
        return true;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
