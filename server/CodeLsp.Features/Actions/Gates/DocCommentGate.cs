using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CodeLsp.Features.Actions.Gates;

/// <summary>
/// The new doc comment is well-formed XML, has a <c>&lt;param&gt;</c> for exactly the real parameters (and
/// <c>&lt;typeparam&gt;</c> for the type parameters), and every text reads as prose: a random model's noise is not documentation.
/// </summary>
internal sealed class DocCommentGate(IReadOnlyList<string> parameters, IReadOnlyList<string> typeParameters) : IValidationGate
{
    public string Name => "doc comment";

    public async Task<GateVerdict> CheckAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        var node = await candidate.MarkedNodeAsync(cancellationToken).ConfigureAwait(false);
        var trivia = node?.GetLeadingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia));
        if (trivia is not { } doc || doc.GetStructure() is not DocumentationCommentTriviaSyntax structure) return new GateVerdict(Name, false, "no /// comment on the declaration");
        var xml = string.Concat(structure.Content.Select(c => c.ToFullString()))
            .Split('\n').Select(l => l.TrimStart().StartsWith("///", StringComparison.Ordinal) ? l.TrimStart()[3..] : l);
        XElement root;
        try
        {
            root = XElement.Parse("<doc>" + string.Join("\n", xml) + "</doc>");
        }
        catch (System.Xml.XmlException e)
        {
            return new GateVerdict(Name, false, $"not well-formed XML: {e.Message}");
        }

        var named = root.Elements("param").Select(p => (string?)p.Attribute("name")).ToList();
        if (!named.Order().SequenceEqual(parameters.Order())) return new GateVerdict(Name, false, $"<param> names [{string.Join(", ", named)}] differ from the parameters [{string.Join(", ", parameters)}]");
        var typeNamed = root.Elements("typeparam").Select(p => (string?)p.Attribute("name")).ToList();
        if (!typeNamed.Order().SequenceEqual(typeParameters.Order())) return new GateVerdict(Name, false, $"<typeparam> names [{string.Join(", ", typeNamed)}] differ from the type parameters");
        if (root.Element("summary") is null) return new GateVerdict(Name, false, "no <summary>");
        foreach (var element in root.Elements())
        {
            var text = string.Join(" ", element.Value.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            if (!Prose.Looks(text)) return new GateVerdict(Name, false, $"<{element.Name}> does not read as a sentence: \"{Shorten(text)}\"");
        }

        return new GateVerdict(Name, true, $"{root.Elements().Count()} tag(s), parameters match");
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>A cheap test that a doc text is words, not code or noise.</summary>
internal static class Prose
{
    public static bool Looks(string text)
    {
        if (text.Length < 3 || !char.IsLetter(text[0])) return false;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Count(w => w.Count(char.IsLetter) >= 2) < Math.Min(2, words.Length)) return false;
        var letters = text.Count(c => char.IsLetter(c) || c == ' ');
        if (letters < text.Length * 0.8) return false;
        // Code in prose: statement and block punctuation.
        return !text.Any(c => c is '{' or '}' or ';' or '=' or '|' or '\\' or '$' or '#' or '~' or '^' or '`');
    }
}
