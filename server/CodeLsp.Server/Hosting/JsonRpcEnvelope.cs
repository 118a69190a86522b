using System.Buffers;
using System.Text.Json;
using StreamJsonRpc;

namespace CodeLsp.Server.Hosting;

/// <summary>What a frame's body is, judged from its top-level members only.</summary>
internal enum EnvelopeKind
{
    Request,
    Notification,
    Response,

    /// <summary>Not JSON: answered ParseError (-32700) with id null.</summary>
    ParseError,

    /// <summary>JSON, but not a request the server can take: answered InvalidRequest (-32600), with the id when it could be read.</summary>
    InvalidRequest,

    /// <summary>A response (result or error) without a usable id: logged and dropped, responses are never answered.</summary>
    InvalidResponse,

    /// <summary>A notification whose params are not structured: logged and dropped, notifications are never answered.</summary>
    InvalidNotification,
}

/// <summary>
/// The JSON-RPC 2.0 envelope of one message (https://www.jsonrpc.org/specification#request_object): its kind, its id and,
/// when it is not something StreamJsonRpc should see, why. StreamJsonRpc drops such messages without an answer, or
/// ends the connection; this reading lets <see cref="IncomingFrameFilter"/> answer them as the spec asks instead.
/// Ids the server accepts are integers that fit a long (LSP's are 32-bit; a JavaScript client may go to 2^53) and strings.
/// </summary>
internal readonly record struct JsonRpcEnvelope(EnvelopeKind Kind, RequestId Id, string Problem)
{
    public bool IsForwarded => Kind is EnvelopeKind.Request or EnvelopeKind.Notification or EnvelopeKind.Response;

    public static JsonRpcEnvelope Read(ReadOnlySequence<byte> body)
    {
        // JSON text is UTF-8 (RFC 8259 §8.1); the reader checks only the structure, so check the encoding first.
        if (!(body.IsSingleSegment ? System.Text.Unicode.Utf8.IsValid(body.FirstSpan) : System.Text.Unicode.Utf8.IsValid(body.ToArray())))
        {
            return new(EnvelopeKind.ParseError, RequestId.Null, "not valid UTF-8");
        }
        var json = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!json.Read())
            {
                return new(EnvelopeKind.ParseError, RequestId.Null, "empty body");
            }
            if (json.TokenType != JsonTokenType.StartObject)
            {
                // Valid JSON that is not an object: check the rest parses, so that "[1," is a parse error and "[1]" is not.
                json.Skip();
                return json.Read()
                    ? new(EnvelopeKind.ParseError, RequestId.Null, "text after the JSON value")
                    : new(EnvelopeKind.InvalidRequest, RequestId.Null, json.TokenType == JsonTokenType.EndArray ? "an array (LSP has no batches)" : "not a JSON object");
            }

            var fields = ReadFields(ref json);
            if (json.Read())
            {
                return new(EnvelopeKind.ParseError, RequestId.Null, "text after the JSON object");
            }
            return Classify(fields);
        }
        catch (JsonException ex)
        {
            return new(EnvelopeKind.ParseError, RequestId.Null, ex.Message);
        }
    }

    private static JsonRpcEnvelope Classify(Fields fields)
    {
        if (fields.Method is { } method)
        {
            if (fields.Id is { } id)
            {
                if (id.IsNull) return new(EnvelopeKind.InvalidRequest, RequestId.Null, fields.IdProblem ?? "id is null");
                if (method != JsonTokenType.String) return new(EnvelopeKind.InvalidRequest, id, "method is not a string");
                if (!fields.ParamsStructured) return new(EnvelopeKind.InvalidRequest, id, "params is neither an object nor an array");
                return new(EnvelopeKind.Request, id, "");
            }
            if (method != JsonTokenType.String) return new(EnvelopeKind.InvalidNotification, RequestId.NotSpecified, "method is not a string");
            if (!fields.ParamsStructured) return new(EnvelopeKind.InvalidNotification, RequestId.NotSpecified, "params is neither an object nor an array");
            return new(EnvelopeKind.Notification, RequestId.NotSpecified, "");
        }

        if (fields.HasResultOrError)
        {
            if (fields.Id is not { IsNull: false } responseId) return new(EnvelopeKind.InvalidResponse, RequestId.Null, fields.IdProblem ?? "response without an id");
            if (fields.ErrorShapeProblem is { } errorProblem) return new(EnvelopeKind.InvalidResponse, responseId, errorProblem);
            return new(EnvelopeKind.Response, responseId, "");
        }

        return new(EnvelopeKind.InvalidRequest, fields.Id is { IsNull: false } known ? known : RequestId.Null, "neither a method nor a result or error");
    }

    private sealed class Fields
    {
        public JsonTokenType? Method;
        /// <summary>Null: no id member; RequestId.Null: present but null or unusable (see IdProblem).</summary>
        public RequestId? Id;
        public string? IdProblem;
        public bool ParamsStructured = true;
        public bool HasResultOrError;
        public string? ErrorShapeProblem;
    }

    private static Fields ReadFields(ref Utf8JsonReader json)
    {
        var fields = new Fields();
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var name = json.GetString();
            json.Read();
            switch (name)
            {
                case "id":
                    (fields.Id, fields.IdProblem) = ReadId(ref json);
                    break;
                case "method":
                    fields.Method = json.TokenType;
                    break;
                case "params":
                    fields.ParamsStructured = json.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.Null;
                    break;
                case "result":
                    fields.HasResultOrError = true;
                    break;
                case "error":
                    fields.HasResultOrError = true;
                    fields.ErrorShapeProblem = ReadErrorShape(ref json);
                    continue;
            }
            json.Skip();
        }
        return fields;
    }

    private static (RequestId Id, string? Problem) ReadId(ref Utf8JsonReader json) => json.TokenType switch
    {
        JsonTokenType.String => (new RequestId(json.GetString()), null),
        JsonTokenType.Number when json.TryGetInt64(out var number) => (new RequestId(number), null),
        JsonTokenType.Number => (RequestId.Null, "id is not an integer that fits 64 bits"),
        JsonTokenType.Null => (RequestId.Null, null),
        _ => (RequestId.Null, $"id is {Describe(json.TokenType)}, not a number or string"),
    };

    /// <summary>StreamJsonRpc needs an error object with an integer code; anything else would fail its deserialization.</summary>
    private static string? ReadErrorShape(ref Utf8JsonReader json)
    {
        if (json.TokenType != JsonTokenType.StartObject)
        {
            json.Skip();
            return "error is not an object";
        }
        var depth = json.CurrentDepth;
        string? codeProblem = "error has no code", messageProblem = null;
        while (json.Read() && !(json.TokenType == JsonTokenType.EndObject && json.CurrentDepth == depth))
        {
            if (json.TokenType != JsonTokenType.PropertyName) continue;
            var name = json.GetString();
            json.Read();
            if (name == "code")
            {
                codeProblem = json.TokenType == JsonTokenType.Number && json.TryGetInt32(out _) ? null : "error code is not a 32-bit integer";
            }
            else if (name == "message" && json.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
            {
                messageProblem = "error message is not a string";
            }
            json.Skip();
        }
        return codeProblem ?? messageProblem;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => token.ToString(),
    };
}
