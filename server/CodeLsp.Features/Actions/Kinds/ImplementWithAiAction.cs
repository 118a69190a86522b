using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Kinds;

/// <summary>
/// "Implement with AI": a member whose body only throws NotImplementedException. An instruct model writes the whole
/// member; a base model fills in the block body between its braces (fill-in-the-middle, cut where the block closes).
/// </summary>
internal sealed class ImplementWithAiAction : IAiAction
{
    public AiActionKind Kind => AiActionKind.Implement;

    public string? Unsupported(EngineInfo engine) =>
        engine.SupportsChat || engine.SupportsFim ? null : $"{engine.ModelName} can neither chat nor fill in the middle";

    public Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken)
    {
        if (Declarations.MemberAt(site.Root, site.Span.Start) is not { } member || !NotImplementedStub.IsStub(member)) return Task.FromResult<ActionOffer?>(null);
        return Task.FromResult<ActionOffer?>(new ActionOffer($"Implement {Declarations.NameOf(member)} with AI", ActionKinds.ImplementAi) { IsAi = true });
    }

    public async Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken)
    {
        if (Declarations.MemberAt(site.Root, site.Span.Start) is not { } member || !NotImplementedStub.IsStub(member))
        {
            return "there is no member that only throws NotImplementedException here";
        }

        var model = await site.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return new Target(site.Document, site.Text, model!, member);
    }

    private sealed class Target(Document document, SourceText text, SemanticModel model, MemberDeclarationSyntax member)
        : MemberRewriteTarget(document, text, model, member)
    {
        private bool _fim;

        public override string Describe => $"implementation of {MemberName}";

        public override IReadOnlyList<IValidationGate> Gates => CommonGates(new NoNotImplementedLeftGate());

        public override async Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken)
        {
            if (!engine.Info.SupportsChat && Member is BaseMethodDeclarationSyntax { Body: { } body })
            {
                _fim = true;
                return await FillBodyAsync(engine, options, body, cancellationToken).ConfigureAwait(false);
            }

            var docs = Symbol is null ? "" : InterfaceDocs(Symbol);
            var user = $"""
                {Facts()}
                {docs}
                The member to implement:
                ```csharp
                {Member.ToFullString().Trim()}
                ```
                Write the complete member `{MemberName}` with a working implementation. Keep its signature exactly as it is; do not throw NotImplementedException; use only members that exist.{FencedAnswer.Retry(previous)}
                """;
            var completion = await engine.ChatAsync(FencedAnswer.Request(user), Limits(options, 768), cancellationToken).ConfigureAwait(false);
            return ModelAnswer.From(completion, completion.Text);
        }

        /// <summary>FIM: prefix through the body's '{', suffix from its '}'; the model writes the statements.</summary>
        private async Task<ModelAnswer> FillBodyAsync(IInferenceEngine engine, ActionOptions options, BlockSyntax body, CancellationToken cancellationToken)
        {
            var indent = Declarations.Indentation(Text, Member);
            var prefix = Text.ToString(TextSpan.FromBounds(0, body.OpenBraceToken.Span.End)) + "\n" + indent + "    ";
            var suffix = "\n" + indent + Text.ToString(TextSpan.FromBounds(body.CloseBraceToken.SpanStart, Text.Length));
            var completion = await engine.CompleteAsync(new FimPrompt(prefix, suffix), Limits(options, 384, BlockCloses), cancellationToken).ConfigureAwait(false);
            return ModelAnswer.From(completion, CutAtBlockEnd(completion.Text));
        }

        protected override string Normalize(string answer)
        {
            if (!_fim || Member is not BaseMethodDeclarationSyntax { Body: { } body }) return FencedAnswer.Code(answer);
            var indent = Declarations.Indentation(Text, Member);
            var start = Member.SpanStart;
            return Text.ToString(TextSpan.FromBounds(start, body.OpenBraceToken.Span.End)) + "\n" + indent + "    " + answer.Trim() + "\n" + indent + "}";
        }

        private static bool BlockCloses(string text) => BlockEnd(text) >= 0;

        private static string CutAtBlockEnd(string text) => BlockEnd(text) is var end and >= 0 ? text[..end] : text;

        /// <summary>Where the generated statements close the enclosing block (brace depth below zero), ignoring strings and chars.</summary>
        internal static int BlockEnd(string text)
        {
            var depth = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c is '"' or '\'')
                {
                    for (i++; i < text.Length && text[i] != c; i++)
                    {
                        if (text[i] == '\\') i++;
                    }
                }
                else if (c == '{') depth++;
                else if (c == '}' && --depth < 0) return i;
            }

            return -1;
        }

        private static string InterfaceDocs(ISymbol symbol)
        {
            var implemented = symbol.ContainingType?.AllInterfaces.SelectMany(i => i.GetMembers())
                .FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(symbol.ContainingType.FindImplementationForInterfaceMember(m), symbol))
                ?? (symbol as IMethodSymbol)?.OverriddenMethod as ISymbol ?? (symbol as IPropertySymbol)?.OverriddenProperty;
            return implemented is null ? "" : $"// It implements {implemented.ContainingType.Name}.{implemented.Name}: {SymbolSignatures.MemberWithSummary(implemented)}\n";
        }
    }
}
