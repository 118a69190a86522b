using CodeLsp.Features.Completion;
using Microsoft.CodeAnalysis.CSharp;

namespace CodeLsp.Features.Tests.Completion;

public sealed class CompletionShapeTests
{
    [Theory]
    [InlineData("class C\n{\n    void M()\n    {\n        $$\n    }\n}", true)]
    [InlineData("class C\n{\n    void M()\n    {\n        var x = 1;\n        $$\n    }\n}", true)]
    [InlineData("class C\n{\n    void M() {$$\n}", true)]
    [InlineData("class C\n{\n    $$\n}", true)]
    [InlineData("$$", true)]
    [InlineData("Console.WriteLine(1);\n$$", true)]
    [InlineData("class C\n{\n    void M()\n    {\n        var x = $$\n    }\n}", false)]
    [InlineData("class C\n{\n    void M()\n    {\n        Foo($$);\n    }\n}", false)]
    [InlineData("class C\n{\n    void M()\n    {\n        var x = a +\n            $$\n    }\n}", false)]
    [InlineData("class C\n{\n    void M()\n    {\n        Foo(a,\n            $$\n    }\n}", false)]
    [InlineData("class C\n{\n    // comment $$\n}", false)]
    [InlineData("class C\n{\n    string s = \"ab$$cd\";\n}", false)]
    [InlineData("class C\n{\n    void M()\n    {\n        if (x)\n        {\n            $$}\n    }\n}", true)]
    public void Decides_from_syntax(string markup, bool multiLine)
    {
        var (text, caret) = Markup.Parse(markup);
        Assert.Equal(multiLine, CompletionShape.IsMultiLine(CSharpSyntaxTree.ParseText(text), caret));
    }
}
