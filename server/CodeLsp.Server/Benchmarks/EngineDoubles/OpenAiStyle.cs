using System.Text.Json;
using System.Text.Json.Nodes;
using static CodeLsp.Server.Benchmarks.EngineDoubles.DoubleModel;

namespace CodeLsp.Server.Benchmarks.EngineDoubles;

/// <summary>The OpenAI-shaped answers several doubles share: <c>text_completion</c> and <c>chat.completion</c>, whole or as SSE chunks ending <c>[DONE]</c>.</summary>
internal static class OpenAiStyle
{
    public static Reply Completions(DoubleModel model, JsonElement body, string modelId, TimeSpan delay, bool usageChunk, string? fingerprint = null)
    {
        var (pieces, reason) = model.Generate(model.Answer, Int(body, "max_tokens") ?? 16, Strings(body, "stop"));
        var finish = reason == "limit" ? "length" : "stop";
        if (Bool(body, "stream") != true)
        {
            return Json(200, new JsonObject
            {
                ["id"] = "cmpl-1", ["object"] = "text_completion", ["created"] = 1, ["model"] = modelId,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = string.Concat(pieces), ["logprobs"] = null, ["finish_reason"] = finish, ["stop_reason"] = null }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 300, ["completion_tokens"] = pieces.Count, ["total_tokens"] = 300 + pieces.Count },
            });
        }
        var frames = new List<string>();
        for (var i = 0; i < pieces.Count; i++)
        {
            // exclude_unset: no logprobs key, finish_reason only on the last.
            var choice = new JsonObject { ["index"] = 0, ["text"] = pieces[i] };
            if (i == pieces.Count - 1) choice["finish_reason"] = finish;
            var chunk = new JsonObject { ["id"] = "cmpl-1", ["object"] = "text_completion", ["created"] = 1, ["model"] = modelId, ["choices"] = new JsonArray(choice) };
            if (fingerprint is not null) chunk["system_fingerprint"] = fingerprint;
            frames.Add(Sse(chunk));
        }
        if (usageChunk)
        {
            frames.Add(Sse(new JsonObject
            {
                ["id"] = "cmpl-1", ["object"] = "text_completion", ["created"] = 1, ["model"] = modelId, ["choices"] = new JsonArray(),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 300, ["completion_tokens"] = pieces.Count, ["total_tokens"] = 300 + pieces.Count, ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 256 } },
            }));
        }
        frames.Add("data: [DONE]\n\n");
        return new StreamReply("text/event-stream", frames) { Delay = delay };
    }

    public static Reply Chat(DoubleModel model, JsonElement body, string modelId, TimeSpan delay)
    {
        var answer = model.ChatAnswer ?? model.Answer;
        var (pieces, reason) = model.Generate(answer, Int(body, "max_tokens"), Strings(body, "stop"));
        var finish = reason == "limit" ? "length" : "stop";
        if (Bool(body, "stream") != true)
        {
            return Json(200, new JsonObject
            {
                ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1, ["model"] = modelId,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(pieces) }, ["finish_reason"] = finish }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 120, ["completion_tokens"] = pieces.Count, ["total_tokens"] = 120 + pieces.Count },
            });
        }
        var frames = new List<string>
        {
            Sse(new JsonObject { ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = modelId,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["role"] = "assistant" }, ["finish_reason"] = null }) }),
        };
        foreach (var piece in pieces)
        {
            frames.Add(Sse(new JsonObject { ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = modelId,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = piece }, ["finish_reason"] = null }) }));
        }
        frames.Add(Sse(new JsonObject { ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["created"] = 1, ["model"] = modelId,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = finish }) }));
        frames.Add("data: [DONE]\n\n");
        return new StreamReply("text/event-stream", frames) { Delay = delay };
    }
}
