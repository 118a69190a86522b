using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeLsp.Server.Benchmarks.Fuzz;

/// <summary>
/// Seeded, replayable hostile client traffic: the same seed gives the same bytes. Each message is one of: a valid request
/// or notification with wrong, missing or out-of-range params (positions past the end, negative, huge; unknown and
/// malformed URIs), unknown methods, responses and notifications where requests belong, ids at the edges (long.MaxValue,
/// 2^53, long strings, unicode), cancellations of random ids, bodies that are not JSON or not UTF-8, invalid ids,
/// and frames with broken headers or a Content-Length that does not match the body. Messages whose bytes would swallow
/// the next frame (a Content-Length longer than the body) are padded so that they swallow only their own padding.
/// Never sent: exit and shutdown (they end the session); the run ends with them.
/// </summary>
internal sealed class FuzzMessageGenerator(int seed, IReadOnlyList<string> openUris)
{
    private static readonly string[] Methods =
    [
        Protocol.Methods.TextDocumentInlineCompletion, Protocol.Methods.WorkspaceExecuteCommand, Protocol.Methods.Initialize,
        "textDocument/completion", "textDocument/hover", "workspace/symbol", "custom/unknown", "", "$/unknownRequest",
    ];

    private static readonly string[] NotificationMethods =
    [
        Protocol.Methods.TextDocumentDidOpen, Protocol.Methods.TextDocumentDidChange, Protocol.Methods.TextDocumentDidClose,
        Protocol.Methods.TextDocumentDidSave, Protocol.Methods.WorkspaceDidChangeConfiguration, Protocol.Methods.WorkspaceDidChangeWatchedFiles,
        Protocol.Methods.SetTrace, "$/cancelRequest", "$/unknownNotification", "custom/notify", Protocol.Methods.Initialized,
    ];

    private readonly Random _random = new(seed);
    private long _counter;

    public IEnumerable<FuzzMessage> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(i);
        }
    }

    private FuzzMessage Next(int index)
    {
        var roll = _random.Next(100);
        return roll switch
        {
            < 25 => RequestWithOddParams(index),
            < 40 => NotificationWithOddParams(index),
            < 47 => Cancel(index),
            < 55 => StrayResponse(index),
            < 63 => NotJson(index),
            < 70 => InvalidId(index),
            < 76 => InvalidEnvelope(index),
            < 84 => BrokenHeader(index),
            < 92 => WrongLength(index),
            < 94 => LoneSurrogate(index),
            _ => EdgeId(index),
        };
    }

    private FuzzMessage RequestWithOddParams(int index)
    {
        var id = NumericId();
        var method = Pick(Methods);
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id), ["method"] = method };
        if (_random.Next(10) > 0) message["params"] = Params(method);
        return Framed(index, $"request {method}", message.ToJsonString(), FuzzExpectation.AnswerWithId, id);
    }

    private FuzzMessage NotificationWithOddParams(int index)
    {
        var method = Pick(NotificationMethods);
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method };
        if (_random.Next(10) > 0) message["params"] = Params(method);
        return Framed(index, $"notification {method}", message.ToJsonString(), FuzzExpectation.None);
    }

    private FuzzMessage Cancel(int index)
    {
        // Cancels a random recent id (maybe in flight, maybe long answered, maybe never used).
        var target = _random.Next(3) switch
        {
            0 => (JsonNode)(_counter - _random.Next(5)),
            1 => (JsonNode)$"s{_random.Next(1000)}",
            _ => (JsonNode)JsonValue.Create(_random.NextInt64())!,
        };
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "$/cancelRequest", ["params"] = new JsonObject { ["id"] = target } };
        return Framed(index, "cancel", message.ToJsonString(), FuzzExpectation.None);
    }

    private FuzzMessage StrayResponse(int index)
    {
        JsonNode id = _random.Next(4) switch
        {
            0 => (JsonNode)_random.Next(0, 50),
            1 => (JsonNode)$"codelsp/model-load/{_random.Next(5)}",
            2 => (JsonNode)JsonValue.Create(long.MaxValue)!,
            _ => (JsonNode)JsonValue.Create(_random.NextInt64())!,
        };
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id };
        if (_random.Next(2) == 0) message["result"] = RandomValue(2);
        else message["error"] = new JsonObject { ["code"] = _random.Next(-32800, -32000), ["message"] = RandomText(20) };
        return Framed(index, "stray response", message.ToJsonString(), FuzzExpectation.None);
    }

    private FuzzMessage NotJson(int index)
    {
        var valid = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = NumericId(), ["method"] = Pick(Methods), ["params"] = new JsonObject() }.ToJsonString();
        byte[] body = _random.Next(5) switch
        {
            0 => Encoding.UTF8.GetBytes(valid[..Math.Max(1, _random.Next(valid.Length - 1))]), // truncated
            1 => RandomBytes(_random.Next(1, 200)),
            2 => [.. Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"method\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")], // invalid UTF-8
            3 => Encoding.UTF8.GetBytes(valid.Replace(":", "=", StringComparison.Ordinal)),
            _ => Encoding.UTF8.GetBytes("{" + new string('[', 300) + new string(']', 300) + "}"),
        };
        return FramedBytes(index, "not JSON", body, FuzzExpectation.NullIdError);
    }

    /// <summary>Valid JSON whose string holds an escaped lone surrogate: fine for the envelope, invalid UTF-16 for the params.</summary>
    private FuzzMessage LoneSurrogate(int index)
    {
        var id = NumericId();
        return _random.Next(2) == 0
            ? Framed(index, "lone surrogate in a request", $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{Protocol.Methods.TextDocumentInlineCompletion}\",\"params\":{{\"textDocument\":{{\"uri\":\"file:///a\\ud800.cs\"}},\"position\":{{\"line\":0,\"character\":0}}}}}}", FuzzExpectation.AnswerWithId, id)
            : Framed(index, "lone surrogate in didOpen", $"{{\"jsonrpc\":\"2.0\",\"method\":\"{Protocol.Methods.TextDocumentDidOpen}\",\"params\":{{\"textDocument\":{{\"uri\":\"file:///fuzz/s.cs\",\"languageId\":\"csharp\",\"version\":1,\"text\":\"a\\udc00b\"}}}}}}", FuzzExpectation.None);
    }

    private FuzzMessage InvalidId(int index)
    {
        var id = Pick(["{\"a\":1}", "[1,2]", "true", "false", "1.5", "-0.25", "1e400", "123456789012345678901234567890", "null"]);
        var body = $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{Pick(Methods)}\",\"params\":{{}}}}";
        return Framed(index, "invalid id", body, FuzzExpectation.NullIdError);
    }

    private FuzzMessage InvalidEnvelope(int index)
    {
        var id = NumericId();
        return _random.Next(4) switch
        {
            0 => Framed(index, "method not a string", $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":{_random.Next()}}}", FuzzExpectation.AnswerWithId, id),
            1 => Framed(index, "params not structured", $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"{Protocol.Methods.TextDocumentInlineCompletion}\",\"params\":\"x\"}}", FuzzExpectation.AnswerWithId, id),
            2 => Framed(index, "no method, no result", $"{{\"jsonrpc\":\"2.0\",\"id\":{id}}}", FuzzExpectation.AnswerWithId, id),
            _ => Framed(index, "batch", $"[{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"x\"}}]", FuzzExpectation.NullIdError),
        };
    }

    private FuzzMessage BrokenHeader(int index)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"method\":\"$/unknownNotification\"}";
        var header = _random.Next(6) switch
        {
            0 => $"Content-Lenght: {body.Length}\r\n\r\n",
            1 => $"Content-Length: -{body.Length}\r\n\r\n",
            2 => $"Content-Length: {body.Length}x\r\n\r\n",
            3 => $"Content-Type: application/vscode-jsonrpc; charset=latin1\r\nContent-Length: {body.Length}\r\n\r\n",
            4 => "no colon here\r\n\r\n",
            _ => $"Content-Length: 99999999999\r\n\r\n",
        };
        // The body after a dropped header is skipped up to the next "Content-Length:".
        return new FuzzMessage(index, "broken header", Encoding.UTF8.GetBytes(header + body), FuzzExpectation.None);
    }

    private FuzzMessage WrongLength(int index)
    {
        var id = NumericId();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id), ["method"] = Protocol.Methods.TextDocumentInlineCompletion, ["params"] = Params(Protocol.Methods.TextDocumentInlineCompletion) }.ToJsonString());
        if (_random.Next(2) == 0)
        {
            // Too short: the body is cut (a parse error); its tail is garbage before the next frame's header.
            var length = _random.Next(1, body.Length);
            return new FuzzMessage(index, "Content-Length too short", [.. Encoding.ASCII.GetBytes($"Content-Length: {length}\r\n\r\n"), .. body], FuzzExpectation.NullIdError);
        }
        // Too long: padded with spaces up to the length (JSON allows trailing whitespace), so the message is whole.
        var extra = _random.Next(1, 64);
        return new FuzzMessage(index, "Content-Length too long, padded", [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length + extra}\r\n\r\n"), .. body, .. Enumerable.Repeat((byte)' ', extra)], FuzzExpectation.AnswerWithId, id);
    }

    private FuzzMessage EdgeId(int index)
    {
        var unique = Interlocked.Increment(ref _counter);
        var id = _random.Next(6) switch
        {
            0 => (long.MaxValue - unique).ToString(CultureInfo.InvariantCulture),
            1 => (long.MinValue + unique).ToString(CultureInfo.InvariantCulture),
            2 => ((1L << 53) + unique).ToString(CultureInfo.InvariantCulture),
            3 => JsonSerializer.Serialize($"{unique}-" + new string('x', _random.Next(1, 5000))),
            4 => JsonSerializer.Serialize($"{unique}-é😀\u0000\"\\"),
            _ => JsonSerializer.Serialize($"{unique}"),
        };
        var method = Pick(Methods);
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = JsonNode.Parse(id), ["method"] = method, ["params"] = Params(method) };
        return Framed(index, "edge id", message.ToJsonString(), FuzzExpectation.AnswerWithId, id);
    }

    private JsonNode? Params(string method) => _random.Next(6) switch
    {
        0 => RandomValue(3),
        1 => new JsonObject(),
        _ => method switch
        {
            Protocol.Methods.TextDocumentInlineCompletion => new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri() },
                ["position"] = Position(),
                ["context"] = new JsonObject { ["triggerKind"] = _random.Next(-1, 4) },
            },
            Protocol.Methods.TextDocumentDidOpen => new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri(), ["languageId"] = Pick(["csharp", "cs", "plaintext", ""]), ["version"] = _random.Next(), ["text"] = RandomText(_random.Next(0, 400)) },
            },
            Protocol.Methods.TextDocumentDidChange => new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = Uri(), ["version"] = _random.Next() },
                ["contentChanges"] = new JsonArray(
                    _random.Next(2) == 0
                        ? new JsonObject { ["range"] = new JsonObject { ["start"] = Position(), ["end"] = Position() }, ["text"] = RandomText(_random.Next(0, 30)) }
                        : new JsonObject { ["text"] = RandomText(_random.Next(0, 200)) }),
            },
            Protocol.Methods.TextDocumentDidClose or Protocol.Methods.TextDocumentDidSave => new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = Uri() } },
            Protocol.Methods.WorkspaceExecuteCommand => new JsonObject { ["command"] = Pick(["codelsp.suggestionAccepted", "unknown.command", ""]), ["arguments"] = new JsonArray(RandomValue(1)) },
            Protocol.Methods.WorkspaceDidChangeConfiguration => new JsonObject { ["settings"] = new JsonObject { ["codelsp"] = new JsonObject { ["maxTokens"] = RandomValue(1), ["logLevel"] = Pick(["information", "bogus", "warning"]) } } },
            _ => RandomValue(2),
        },
    };

    private JsonNode Uri() => _random.Next(8) switch
    {
        < 4 when openUris.Count > 0 => openUris[_random.Next(openUris.Count)],
        4 => $"file:///fuzz/unknown{_random.Next(100)}.cs",
        5 => Pick(["untitled:Untitled-1", "http://example.com/a.cs", "not a uri", "file://", "", "file:///%zz", "::::"]),
        6 => JsonValue.Create(_random.Next())!,
        _ => $"file:///fuzz/{RandomText(10)}.cs",
    };

    private JsonNode Position()
    {
        int Coordinate() => _random.Next(5) switch
        {
            0 => -_random.Next(1, 10),
            1 => int.MaxValue - _random.Next(3),
            2 => _random.Next(100_000),
            _ => _random.Next(0, 20),
        };
        return new JsonObject { ["line"] = Coordinate(), ["character"] = Coordinate() };
    }

    private string NumericId() => Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);

    private JsonNode? RandomValue(int depth) => _random.Next(depth <= 0 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.NextDouble() * _random.Next(-1000, 1000)),
        3 => JsonValue.Create(RandomText(_random.Next(0, 20))),
        4 => JsonValue.Create(_random.NextInt64()),
        5 => new JsonArray([.. Enumerable.Range(0, _random.Next(4)).Select(_ => RandomValue(depth - 1))]),
        _ => new JsonObject(Enumerable.Range(0, _random.Next(4)).Select(i => KeyValuePair.Create(Pick(["uri", "textDocument", "position", "line", "id", "text", "x" + i]), RandomValue(depth - 1))).DistinctBy(p => p.Key)),
    };

    private string RandomText(int length)
    {
        var builder = new StringBuilder(length + 1);
        for (var i = 0; i < length; i++)
        {
            builder.Append(_random.Next(12) switch
            {
                0 => "\n",
                1 => "\r",
                2 => "😀",
                3 => "\t",
                4 => "\0",
                5 => "é",
                _ => ((char)_random.Next(0x20, 0x7F)).ToString(),
            });
        }
        return builder.ToString();
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        bytes[0] = (byte)'{'; // mostly garbage that starts like JSON
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static FuzzMessage Framed(int index, string kind, string body, FuzzExpectation expectation, string? id = null) =>
        FramedBytes(index, kind, Encoding.UTF8.GetBytes(body), expectation, id);

    private static FuzzMessage FramedBytes(int index, string kind, byte[] body, FuzzExpectation expectation, string? id = null) =>
        new(index, kind, Wire.LspWireClient.Frame(body), expectation, id);
}
