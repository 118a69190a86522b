using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Tests.Completion;

public sealed class SuggestionPostprocessorTests
{
    private static void Check(string markup, bool multiLine, string raw, string? expected)
    {
        var (text, caret) = Markup.Parse(markup);
        var site = CompletionSiteReader.Read(SourceText.From(text), caret, multiLine);
        Assert.Equal(expected, SuggestionPostprocessor.Clean(raw, site));
    }

    [Theory]
    // Text after the cursor repeated by the model is dropped.
    [InlineData("Console.WriteLine($$);", "\"hi\");", "\"hi\"")]
    [InlineData("var x = Foo($$);", "a, b)", "a, b")]
    [InlineData("var x = Foo($$);", "a, b);", "a, b")]
    [InlineData("if (x$$)", " > 0)", " > 0")]
    // A call the suggestion opens and closes itself keeps its parenthesis.
    [InlineData("var y = $$;", "Bar(1)", "Bar(1)")]
    [InlineData("Call($$);", "Bar(1))", "Bar(1)")]
    // Single-line sites keep only the first line.
    [InlineData("var total = $$", "a + b;\n        return total;", "a + b;")]
    // Empty and whitespace-only outputs are not suggestions.
    [InlineData("var x = $$", "", null)]
    [InlineData("var x = $$", "   \n  ", null)]
    [InlineData("var x = $$", "\n", null)]
    // Loops within a line are cut after two repeats; short repeats that code is made of stay.
    [InlineData("var s = $$", "Get(a).Get(a).Get(a).Get(a).Get(a)", "Get(a).Get(a).")]
    [InlineData("var a = new[] { $$ };", "0, 0, 0, 0, 0", "0, 0, 0, 0, 0")]
    [InlineData("var line = $$", "\"==========\";", "\"==========\";")]
    [InlineData("// $$", "================================", "================================")]
    // Noise: undecodable bytes or control characters mean the whole output is dropped.
    [InlineData("var x = $$", "1\uFFFD;", null)]
    [InlineData("var x = $$", "a\u0003b", null)]
    [InlineData("var x = $$", "\ta;", "\ta;")]
    // Trailing whitespace is not worth showing.
    [InlineData("var x = $$", "1;   ", "1;")]
    public void Single_line(string markup, string raw, string? expected) => Check(markup, multiLine: false, raw, expected);

    [Theory]
    // Stops at the closing brace of the enclosing block.
    [InlineData("void M()\n{\n    $$\n}", "var a = 1;\n    return;\n}\n\nvoid N() { }", "var a = 1;\n    return;")]
    // Stops at a line indented less than the cursor's line.
    [InlineData("class C\n{\n    void M()\n    {\n        $$\n    }\n}", "Run();\n        Stop();\n    void Other() { }", "Run();\n        Stop();")]
    // Nested blocks the suggestion opens itself are kept whole.
    [InlineData("void M()\n{\n    $$\n}", "if (x)\n    {\n        y();\n    }\n}", "if (x)\n    {\n        y();\n    }")]
    // Lines that repeat the code after the cursor are dropped.
    [InlineData("void M()\n{\n    $$\n    return total;\n}", "var total = 0;\n    return total;", "var total = 0;")]
    // Runaway loops are cut after two repeats.
    [InlineData("void M()\n{\n    $$\n}", "x++;\n    x++;\n    x++;\n    x++;\n    x++;", "x++;\n    x++;")]
    [InlineData("void M()\n{\n    $$\n}", "a();\n    b();\n    a();\n    b();\n    a();\n    b();\n    a();", "a();\n    b();\n    a();\n    b();")]
    // Trailing blank lines go.
    [InlineData("void M()\n{\n    $$\n}", "Run();\n\n\n", "Run();")]
    public void Multi_line(string markup, string raw, string? expected) => Check(markup, multiLine: true, raw, expected);

    [Fact]
    public void Indentation_follows_the_document_tabs()
    {
        Check("class C\n{\n\tvoid M()\n\t{\n\t\t$$\n\t}\n}", multiLine: true,
            "if (x)\n        {\n            y();\n        }",
            "if (x)\n\t\t{\n\t\t\ty();\n\t\t}");
    }

    [Fact]
    public void Indentation_follows_the_document_two_spaces()
    {
        Check("class C\n{\n  void M()\n  {\n    $$\n  }\n}", multiLine: true,
            "if (x)\n\t\t{\n\t\t\ty();\n\t\t}",
            "if (x)\n    {\n      y();\n    }");
    }

    [Fact]
    public void Spaces_of_another_width_are_left_alone()
    {
        Check("class C\n{\n  void M()\n  {\n    $$\n  }\n}", multiLine: true,
            "if (x)\n    {\n        y();\n    }",
            "if (x)\n    {\n        y();\n    }");
    }

    [Fact]
    public void Line_endings_follow_the_document()
    {
        Check("void M()\r\n{\r\n    $$\r\n}\r\n", multiLine: true, "a();\n    b();", "a();\r\n    b();");
    }

    [Fact]
    public void Braces_inside_strings_do_not_end_the_block()
    {
        Check("void M()\n{\n    $$\n}", multiLine: true, "Log(\"}\");\n    Done();", "Log(\"}\");\n    Done();");
    }
}
