using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CodeLsp.Workspace.Tests.Context;

public sealed class ExtensionTargetTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        public class Base { }
        public interface IFace { }
        public class Derived : Base, IFace { }
        public class Box<T> { }
        public class Outer { public class Inner { } }
        public enum Color { Red }
        public struct Point : IComparable<Point> { public int CompareTo(Point other) => 0; }

        public static class E
        {
            public static void OnT<T>(this T x) { }
            public static void OnObject(this object x) { }
            public static void OnSequence<T>(this IEnumerable<T> x) { }
            public static void OnBase(this Base b) { }
            public static void OnFace(this IFace f) { }
            public static void OnInts(this int[] a) { }
            public static void OnBox<T>(this Box<T> b) { }
            public static void OnStringBox(this Box<string> b) { }
            public static void OnInner(this Outer.Inner i) { }
            public static void OnNullable(this int? x) { }
            public static void OnEnum(this Enum e) { }
            public static void OnString(this string s) { }
            public static void OnComparable<T>(this IComparable<T> c) { }
            public static void OnValueType(this ValueType v) { }
        }
        """;

    private static readonly string[] Receivers =
        ["Derived", "Base", "IFace", "int[]", "List<int>", "Box<string>", "Box<int>", "Outer.Inner", "int?", "int", "Color", "string", "object", "Point", "Point[]", "Dictionary<string, Box<int>>"];

    [Fact]
    public void The_cheap_test_keeps_every_method_the_reduction_accepts_and_drops_others()
    {
        var compilation = Compile(Source);
        var dropped = 0;
        var applied = 0;
        foreach (var receiverText in Receivers)
        {
            var (receiver, probe) = TypeOf(compilation, receiverText);
            var methods = probe.GetTypeByMetadataName("E")!.GetMembers().OfType<IMethodSymbol>().Where(m => m.IsExtensionMethod).ToList();
            var definitions = MemberLookup.Definitions(receiver);
            foreach (var method in methods)
            {
                var mightReceive = ExtensionTarget.Of(method).MightReceive(receiver, definitions);
                if (method.ReduceExtensionMethod(receiver) is not null)
                {
                    applied++;
                    Assert.True(mightReceive, $"{method.Name} applies to {receiverText} but the cheap test dropped it");
                }
                else if (!mightReceive) dropped++;
            }
        }
        Assert.True(applied > 40, $"the pairs should include many that apply; {applied} did");
        Assert.True(dropped > 100, $"the test should narrow the candidates; it dropped {dropped}");
    }

    [Fact]
    public void A_source_methods_target_is_read_once_per_declaring_tree_and_holds_for_a_later_compilation()
    {
        var first = Compile(Source);
        var later = first.AddSyntaxTrees(CSharpSyntaxTree.ParseText("public class Unrelated { }"));
        var before = first.GetTypeByMetadataName("E")!.GetMembers("OnBox").OfType<IMethodSymbol>().Single();
        var after = later.GetTypeByMetadataName("E")!.GetMembers("OnBox").OfType<IMethodSymbol>().Single();
        Assert.NotSame(before, after);
        Assert.Equal(new ExtensionTarget(ExtensionTargetKind.Named, "Box`1"), ExtensionTarget.Of(before));
        Assert.Equal(ExtensionTarget.Of(before), ExtensionTarget.Of(after));

        // Metadata methods have no declaring tree: read from their symbol.
        var select = first.GetTypeByMetadataName("System.Linq.Enumerable")?.GetMembers("Select").OfType<IMethodSymbol>().First();
        if (select is not null) Assert.Equal(new ExtensionTarget(ExtensionTargetKind.Named, "System.Collections.Generic.IEnumerable`1"), ExtensionTarget.Of(select));
        Assert.Equal("Outer+Inner", ExtensionTarget.KeyOf(first.GetTypeByMetadataName("Outer+Inner")!));
    }

    private static CSharpCompilation Compile(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "System.Collections.dll" or "System.Linq.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText(source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    private static (ITypeSymbol Type, Compilation Probe) TypeOf(CSharpCompilation compilation, string type)
    {
        var tree = CSharpSyntaxTree.ParseText($"using System; using System.Collections.Generic; class Probe {{ {type} field; }}");
        var probe = compilation.AddSyntaxTrees(tree);
        var field = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclarationSyntax>().Single();
        var symbol = probe.GetSemanticModel(tree).GetTypeInfo(field.Type).Type!;
        Assert.False(symbol.TypeKind == TypeKind.Error, type);
        return (symbol, probe);
    }
}
