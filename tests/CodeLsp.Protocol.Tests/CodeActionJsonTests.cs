using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeLsp.Protocol.Tests;

/// <summary>Code actions and workspace edits as the LSP 3.18 specification shapes them, read and written back unchanged.</summary>
public sealed class CodeActionJsonTests
{
    private static T RoundTrip<T>(string json)
    {
        var value = JsonSerializer.Deserialize<T>(json, LspJson.Options)!;
        var written = JsonSerializer.Serialize(value, LspJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), $"expected {json}\nwritten  {written}");
        return value;
    }

    [Fact]
    public void Workspace_edit_with_a_created_file_and_versioned_edits()
    {
        var edit = RoundTrip<WorkspaceEdit>("""
            { "documentChanges": [
                { "kind": "create", "uri": "file:///p/CartTests.cs", "options": { "overwrite": false, "ignoreIfExists": false } },
                { "textDocument": { "uri": "file:///p/CartTests.cs", "version": null }, "edits": [ { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "newText": "class T {}" } ] },
                { "textDocument": { "uri": "file:///p/Cart.cs", "version": 7 }, "edits": [ { "range": { "start": { "line": 3, "character": 4 }, "end": { "line": 3, "character": 9 } }, "newText": "x", "annotationId": "codelsp.ai" } ] } ],
              "changeAnnotations": { "codelsp.ai": { "label": "AI-generated (CodeLsp)", "needsConfirmation": false, "description": "qwen" } } }
            """);
        Assert.IsType<CreateFile>(edit.DocumentChanges[0]);
        Assert.Equal(7, Assert.IsType<TextDocumentEdit>(edit.DocumentChanges[2]).TextDocument.Version);
    }

    [Fact]
    public void Code_action_with_command_tags_and_disabled()
    {
        var action = RoundTrip<CodeAction>("""
            { "title": "Fix CS1061 with AI", "kind": "quickfix.codelsp.ai", "tags": [1], "disabled": { "reason": "No model is loaded" },
              "diagnostics": [ { "range": { "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 6 } }, "severity": 1, "code": "CS1061", "source": "codelsp", "message": "no Summ" } ],
              "command": { "title": "Fix CS1061 with AI", "command": "codelsp.ai.run", "arguments": [ { "action": "fix" } ] } }
            """);
        Assert.Equal(CodeActionTags.LlmGenerated, Assert.Single(action.Tags!));
    }
}
