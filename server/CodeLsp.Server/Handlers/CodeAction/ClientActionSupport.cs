using System.Text.Json;
using CodeLsp.Protocol;

namespace CodeLsp.Server.Handlers.CodeAction;

/// <summary>What the client said it supports around code actions and edits (read from the raw capabilities).</summary>
internal sealed record ClientActionSupport(bool Disabled, bool LlmTag, bool CreateFile, bool ShowDocument, bool WorkDoneProgress, bool ChangeAnnotations)
{
    public static ClientActionSupport From(ClientCapabilities capabilities)
    {
        var codeAction = Get(capabilities.TextDocument?.Other, "codeAction");
        var workspaceEdit = Get(Get(capabilities.Other, "workspace") is { } workspace ? Properties(workspace) : null, "workspaceEdit");
        var showDocument = Get(capabilities.Window?.Other, "showDocument");
        return new ClientActionSupport(
            Disabled: Bool(codeAction, "disabledSupport"),
            LlmTag: codeAction is { } ca && ca.TryGetProperty("tagSupport", out var tags) && tags.ValueKind == JsonValueKind.Object &&
                    tags.TryGetProperty("valueSet", out var set) && set.ValueKind == JsonValueKind.Array &&
                    set.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.Number && v.GetInt32() == CodeActionTags.LlmGenerated),
            CreateFile: workspaceEdit is { } we && we.TryGetProperty("resourceOperations", out var ops) && ops.ValueKind == JsonValueKind.Array &&
                        ops.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == "create"),
            ShowDocument: Bool(showDocument, "support"),
            WorkDoneProgress: capabilities.Window?.WorkDoneProgress == true,
            ChangeAnnotations: Bool(codeAction, "honorsChangeAnnotations"));
    }

    private static Dictionary<string, JsonElement>? Properties(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : null;

    private static JsonElement? Get(IReadOnlyDictionary<string, JsonElement>? values, string name) =>
        values is not null && values.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static bool Bool(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
