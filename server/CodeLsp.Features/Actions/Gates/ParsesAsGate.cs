using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// The first gate, on the answer's text before anything is spliced: it must parse, without syntax errors, as the kind
/// of node the action asked for (a member of the same kind, a set of members, a compilation unit).
/// </summary>
internal static class ParsesAsGate
{
    public const string Name = "parses";

    /// <summary>One member declaration of the same kind as <paramref name="expected"/> (a method for a method …).</summary>
    public static (GateVerdict Verdict, MemberDeclarationSyntax? Member) Member(string text, MemberDeclarationSyntax expected, ParseOptions? options)
    {
        if (string.IsNullOrWhiteSpace(text)) return (new GateVerdict(Name, false, "the model returned no code"), null);
        var parsed = SyntaxFactory.ParseMemberDeclaration(text, 0, options, consumeFullText: true);
        if (parsed is null) return (new GateVerdict(Name, false, "the answer is not a C# member declaration"), null);
        if (SyntaxErrors(parsed) is { } errors) return (new GateVerdict(Name, false, errors), null);
        if (parsed.Kind() != expected.Kind())
        {
            return (new GateVerdict(Name, false, $"expected a {Describe(expected)}, got a {Describe(parsed)}"), null);
        }

        return (new GateVerdict(Name, true, $"one {Describe(parsed)}"), parsed);
    }

    /// <summary>Members written as the body of a class (for "implement missing members").</summary>
    public static (GateVerdict Verdict, IReadOnlyList<MemberDeclarationSyntax> Members) Members(string text, ParseOptions? options)
    {
        if (string.IsNullOrWhiteSpace(text)) return (new GateVerdict(Name, false, "the model returned no code"), []);
        var unit = SyntaxFactory.ParseCompilationUnit($"class __Answer {{\n{text}\n}}", 0, (CSharpParseOptions?)options);
        if (SyntaxErrors(unit) is { } errors) return (new GateVerdict(Name, false, errors), []);
        var members = ((ClassDeclarationSyntax)unit.Members[0]).Members;
        if (members.Count == 0) return (new GateVerdict(Name, false, "the answer declares no members"), []);
        if (members.Any(m => m is BaseTypeDeclarationSyntax)) return (new GateVerdict(Name, false, "the answer declares a type, not members"), []);
        return (new GateVerdict(Name, true, $"{members.Count} member(s)"), members);
    }

    /// <summary>A whole file (a test class).</summary>
    public static (GateVerdict Verdict, CompilationUnitSyntax? Unit) CompilationUnit(string text, ParseOptions? options)
    {
        if (string.IsNullOrWhiteSpace(text)) return (new GateVerdict(Name, false, "the model returned no code"), null);
        var unit = SyntaxFactory.ParseCompilationUnit(text, 0, (CSharpParseOptions?)options);
        if (SyntaxErrors(unit) is { } errors) return (new GateVerdict(Name, false, errors), null);
        if (!unit.DescendantNodes().OfType<TypeDeclarationSyntax>().Any()) return (new GateVerdict(Name, false, "the answer declares no class"), null);
        return (new GateVerdict(Name, true, "a compilation unit"), unit);
    }

    private static string? SyntaxErrors(SyntaxNode node)
    {
        if (!node.ContainsDiagnostics) return null;
        var errors = node.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count == 0) return null;
        return "syntax error: " + string.Join("; ", errors.Take(3).Select(d =>
            $"{d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} (line {d.Location.GetLineSpan().StartLinePosition.Line + 1})"));
    }

    internal static string Describe(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax => "method",
        ConstructorDeclarationSyntax => "constructor",
        PropertyDeclarationSyntax => "property",
        IndexerDeclarationSyntax => "indexer",
        OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => "operator",
        FieldDeclarationSyntax => "field",
        EventDeclarationSyntax or EventFieldDeclarationSyntax => "event",
        BaseTypeDeclarationSyntax => "type",
        GlobalStatementSyntax => "statement",
        _ => node.Kind().ToString(),
    };
}
