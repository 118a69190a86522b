using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Workspace.Tests.Context;

/// <summary>
/// What the context builder remembers between requests (extension methods indexed per assembly, reductions per
/// receiver type and method, the fast accessibility test) must follow edits: nothing stale after the code changed.
/// </summary>
public sealed class ContextCacheTests
{
    [Fact]
    public async Task A_framework_extension_method_is_offered_exactly_while_the_solution_uses_its_name()
    {
        var (text, caret) = Markup.Parse("""
            using System.Collections.Generic;
            using System.Linq;
            class C { void M(List<int> items) { items.$$ } }
            """);
        var document = TestSolution.Create(text);
        var builder = new SemanticContextBuilder();
        var source = await document.GetTextAsync();

        AssertOffered(await ReceiverMembers(builder, document, caret), "TakeLast", false);

        // An edit elsewhere in the file starts using the name: the next request offers it.
        var uses = document.WithText(source.WithChanges(new TextChange(new TextSpan(source.Length, 0), "\nclass D { void N(List<int> x) { x.TakeLast(1); } }")));
        AssertOffered(await ReceiverMembers(builder, uses, caret), "TakeLast", true);

        // And the edit undone: no longer used, no longer offered.
        var undone = uses.WithText(source);
        AssertOffered(await ReceiverMembers(builder, undone, caret), "TakeLast", false);
    }

    [Fact]
    public async Task An_edited_extension_method_applies_to_its_new_receiver_type_only()
    {
        var (text, caret) = Markup.Parse("""
            using Shop;
            class C { void M(Order order, string text) { order.$$ } }
            """);
        const string Shipping = "namespace Shop; public static class Shipping { public static void Ship(this Order order) { } }";
        var document = TestSolution.Create(text, Shipping);
        var builder = new SemanticContextBuilder();
        AssertOffered(await ReceiverMembers(builder, document, caret), "Ship", true);

        // The extension now takes a string: the reduction against Order remembered before must not answer for it.
        var other = document.Project.Documents.Single(d => d.Name == "Other0.cs");
        var edited = document.Project.Solution.WithDocumentText(other.Id, SourceText.From(Shipping.Replace("this Order order", "this string text", StringComparison.Ordinal)))
            .GetDocument(document.Id)!;
        AssertOffered(await ReceiverMembers(builder, edited, caret), "Ship", false);

        var afterText = (await edited.GetTextAsync()).ToString().Replace("order.", "text.", StringComparison.Ordinal);
        var onText = edited.WithText(SourceText.From(afterText));
        AssertOffered(await ReceiverMembers(builder, onText, caret - "order".Length + "text".Length), "Ship", true);
    }

    [Fact]
    public async Task The_fast_accessibility_test_agrees_with_the_compiler_for_every_member()
    {
        var (text, caret) = Markup.Parse("""
            using System.Collections.Generic;
            using Shop;
            class C
            {
                private sealed class Hidden { public int Visible; private int _secret; internal void Inner() { } }
                protected int Guarded;
                void M(Order order, List<Hidden> hidden, Dictionary<string, Order> byId) { $$ }
            }
            class Other { private int _mine; public int Theirs; }
            """);
        var document = TestSolution.Create(text);
        var model = (await document.GetSemanticModelAsync())!;
        var root = (await document.GetSyntaxRootAsync())!;
        var compilation = model.Compilation;
        var types = new List<ITypeSymbol>();
        foreach (var declaration in root.DescendantNodes().OfType<TypeDeclarationSyntax>())
            types.Add((ITypeSymbol)model.GetDeclaredSymbol(declaration)!);
        foreach (var parameter in root.DescendantNodes().OfType<ParameterSyntax>())
            types.Add(((IParameterSymbol)model.GetDeclaredSymbol(parameter)!).Type);
        types.AddRange(compilation.GetTypeByMetadataName("Shop.Order")!.GetTypeMembers());

        var checkedMembers = 0;
        foreach (var type in types)
        {
            foreach (var member in type.GetMembers())
            {
                Assert.True(model.IsAccessible(caret, member) == MemberLookup.IsAccessible(model, caret, member), $"{member.ToDisplayString()} in {type.ToDisplayString()}");
                checkedMembers++;
            }
        }
        Assert.True(checkedMembers > 50, $"only {checkedMembers} members checked");
    }

    private static void AssertOffered(List<string> members, string name, bool offered) =>
        Assert.True(members.Contains(name) == offered, $"{name} {(offered ? "missing from" : "offered in")}:\n{string.Join("\n", members)}");

    private static async Task<List<string>> ReceiverMembers(SemanticContextBuilder builder, Document document, int caret) =>
        [.. (await builder.CollectAsync(document, caret, ContextRequest.Default, default)).Where(i => i.Kind == ContextItemKinds.ReceiverMember).Select(i => i.Name ?? "")];
}
