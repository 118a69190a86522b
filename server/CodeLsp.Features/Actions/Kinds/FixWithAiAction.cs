using System.Globalization;
using System.Text;
using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Kinds;

/// <summary>
/// "Fix CSxxxx with AI": a quick fix on a compiler error inside a member. The server computes the diagnostics from its
/// own compilation. The model rewrites the whole member; the error must be gone and no other one may appear.
/// </summary>
internal sealed class FixWithAiAction : IAiAction
{
    // Handled by "Implement missing members with AI" instead.
    private static readonly HashSet<string> s_elsewhere = ["CS0535", "CS0534"];

    public AiActionKind Kind => AiActionKind.Fix;

    public string? Unsupported(EngineInfo engine) =>
        engine.SupportsChat ? null : $"needs an instruct model with a chat template; {engine.ModelName} only fills in the middle";

    public async Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken)
    {
        var errors = await site.ErrorsAsync(cancellationToken).ConfigureAwait(false);
        var fixable = errors.Where(e => !s_elsewhere.Contains(e.Id) && Declarations.MemberAt(site.Root, e.Location.SourceSpan.Start) is not null).ToList();
        var error = fixable.FirstOrDefault(e => e.Location.SourceSpan.IntersectsWith(site.Span)) ?? fixable.FirstOrDefault();
        if (error is null) return null;
        var range = site.Text.Lines.GetLinePositionSpan(error.Location.SourceSpan);
        return new ActionOffer($"Fix {error.Id} with AI", ActionKinds.QuickFixAi)
        {
            IsAi = true,
            Diagnostics = [new OfferedDiagnostic(range, error.Id, error.GetMessage(CultureInfo.InvariantCulture), IsError: true)],
        };
    }

    public async Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken)
    {
        var errors = await site.ErrorsAsync(cancellationToken).ConfigureAwait(false);
        var error = errors.FirstOrDefault(e => (diagnosticId is null || e.Id == diagnosticId) && e.Location.SourceSpan.IntersectsWith(site.Span))
                    ?? errors.FirstOrDefault(e => diagnosticId is null || e.Id == diagnosticId);
        if (error is null) return diagnosticId is null ? "there is no compiler error here" : $"{diagnosticId} is no longer reported here";
        if (Declarations.MemberAt(site.Root, error.Location.SourceSpan.Start) is not { } member) return $"{error.Id} is not inside a member";
        var model = await site.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return new Target(site.Document, site.Text, model!, member, error);
    }

    private sealed class Target(Document document, SourceText text, SemanticModel model, MemberDeclarationSyntax member, Diagnostic error)
        : MemberRewriteTarget(document, text, model, member)
    {
        public override string Describe => $"fix for {error.Id}";

        public override IReadOnlyList<IValidationGate> Gates => CommonGates(new TargetDiagnosticGoneGate([error.Id]));

        public override async Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken)
        {
            var line = Text.Lines.GetLineFromPosition(error.Location.SourceSpan.Start);
            var user = $"""
                {Facts()}
                {Related()}
                The compiler reports {error.Id} on the line marked `// <-- {error.Id}`: {error.GetMessage(CultureInfo.InvariantCulture)}
                ```csharp
                {Marked(line.LineNumber)}
                ```
                Rewrite the member `{MemberName}` so that it compiles without this error. Keep its signature; change as little as possible; use only members that exist. Reply with the complete member.{FencedAnswer.Retry(previous)}
                """;
            var completion = await engine.ChatAsync(FencedAnswer.Request(user), Limits(options, 768), cancellationToken).ConfigureAwait(false);
            return ModelAnswer.From(completion, completion.Text);
        }

        /// <summary>The member's text with the error's line marked.</summary>
        private string Marked(int errorLine)
        {
            var span = Member.Span;
            var text = new StringBuilder();
            var first = Text.Lines.GetLineFromPosition(span.Start).LineNumber;
            var last = Text.Lines.GetLineFromPosition(span.End).LineNumber;
            for (var i = first; i <= last; i++)
            {
                var lineText = Text.Lines[i].ToString();
                text.Append(lineText);
                if (i == errorLine) text.Append($" // <-- {error.Id}");
                text.Append('\n');
            }

            return text.ToString().TrimEnd();
        }

        /// <summary>What the compiler knew at the error: candidate symbols, and the members of the receiver's type.</summary>
        private string Related()
        {
            var node = Member.SyntaxTree.GetRoot().FindNode(error.Location.SourceSpan, getInnermostNodeForTie: true);
            var facts = new StringBuilder();
            var info = Model.GetSymbolInfo(node);
            foreach (var candidate in info.CandidateSymbols.Take(5))
            {
                facts.AppendLine($"// Candidate ({info.CandidateReason}): {SymbolSignatures.Member(candidate)}");
            }

            var receiver = node.AncestorsAndSelf().OfType<MemberAccessExpressionSyntax>().FirstOrDefault()?.Expression;
            if (receiver is not null && Model.GetTypeInfo(receiver).Type is INamedTypeSymbol type && type.Locations.Any(l => l.IsInSource))
            {
                facts.AppendLine($"// Members of {type.Name}:");
                foreach (var m in SymbolSignatures.OutlineMembers(type).Take(30)) facts.AppendLine("//   " + SymbolSignatures.Member(m));
            }

            return facts.ToString();
        }
    }
}
