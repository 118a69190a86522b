using System.Globalization;
using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace.Context;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Kinds;

/// <summary>
/// "Implement missing members with AI" (CS0535 / CS0534): Roslyn writes the stubs with the exact signatures, the model
/// fills in their bodies. When the model's answer fails, the plain stubs remain on offer as a fallback.
/// </summary>
internal sealed class ImplementMissingMembersAction : IAiAction
{
    private static readonly string[] s_ids = ["CS0535", "CS0534"];

    public AiActionKind Kind => AiActionKind.ImplementMissing;

    public string? Unsupported(EngineInfo engine) =>
        engine.SupportsChat ? null : $"needs an instruct model with a chat template; {engine.ModelName} only fills in the middle";

    public async Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken)
    {
        var errors = await site.ErrorsAsync(cancellationToken).ConfigureAwait(false);
        var error = errors.FirstOrDefault(e => s_ids.Contains(e.Id));
        if (error is null) return null;
        var range = site.Text.Lines.GetLinePositionSpan(error.Location.SourceSpan);
        return new ActionOffer("Implement missing members with AI", ActionKinds.QuickFixAi)
        {
            IsAi = true,
            Diagnostics = [new OfferedDiagnostic(range, error.Id, error.GetMessage(CultureInfo.InvariantCulture), IsError: true)],
        };
    }

    public async Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken)
    {
        var errors = await site.ErrorsAsync(cancellationToken).ConfigureAwait(false);
        var error = errors.FirstOrDefault(e => s_ids.Contains(e.Id));
        if (error is null) return "no CS0535 or CS0534 is reported here any more";
        var type = site.Root.FindToken(error.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
        if (type is null) return "the error is not on a type declaration";
        var model = await site.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(type, cancellationToken) is not INamedTypeSymbol symbol) return "the type declares no symbol";
        var missing = Missing(symbol);
        if (missing.Count == 0) return "no missing members were found";
        return new Target(site.Document, site.Text, type, symbol, missing, model);
    }

    /// <summary>Interface members without an implementation, and abstract members of base classes not overridden.</summary>
    internal static IReadOnlyList<(ISymbol Member, bool Override)> Missing(INamedTypeSymbol type)
    {
        var missing = new List<(ISymbol, bool)>();
        foreach (var member in type.AllInterfaces.SelectMany(i => i.GetMembers()))
        {
            if (member.IsStatic || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary } || !member.IsAbstract) continue;
            if (type.FindImplementationForInterfaceMember(member) is null) missing.Add((member, false));
        }

        if (!type.IsAbstract)
        {
            var overridden = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            for (var t = (INamedTypeSymbol?)type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    if (Overridden(member) is { } o) overridden.Add(o);
                    if (!SymbolEqualityComparer.Default.Equals(t, type) && member.IsAbstract && !overridden.Contains(member) &&
                        member is not IMethodSymbol { MethodKind: not MethodKind.Ordinary })
                    {
                        missing.Add((member, true));
                    }
                }
            }
        }

        return missing;

        static ISymbol? Overridden(ISymbol s) => s switch
        {
            IMethodSymbol m => m.OverriddenMethod,
            IPropertySymbol p => p.OverriddenProperty,
            IEventSymbol e => e.OverriddenEvent,
            _ => null,
        };
    }

    private sealed class Target(Document document, SourceText text, TypeDeclarationSyntax type, INamedTypeSymbol symbol,
        IReadOnlyList<(ISymbol Member, bool Override)> missing, SemanticModel model) : ActionTarget(document, text)
    {
        private readonly SyntaxAnnotation _parts = new("codelsp.ai.parts");

        public override TextSpan Scope => type.FullSpan;

        public override string Describe => $"implementation of {missing.Count} missing member(s) of {symbol.Name}";

        public override IReadOnlyList<IValidationGate> Gates =>
        [
            new MembersMatchGate(missing.Select(m => m.Member.Name).ToList(), _parts),
            new TargetDiagnosticGoneGate(s_ids),
            new NoNotImplementedLeftGate(_parts),
            new NoNewErrorsGate(),
            new EditInScopeGate(Scope),
        ];

        public override async Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken)
        {
            var stubs = string.Join("\n\n", Stubs().Select(s => s.NormalizeWhitespace().ToFullString()));
            var fields = string.Join("\n", SymbolSignatures.OutlineMembers(symbol).Take(30).Select(m => "    " + SymbolSignatures.MemberWithSummary(m)));
            var outline = "{\n" + fields + "\n}";
            var docs = string.Join("\n", missing.Select(m => SymbolSignatures.Summary(m.Member) is { Length: > 0 } s ? $"// {m.Member.Name}: {s}" : null).OfType<string>());
            var user = $"""
                {SymbolSignatures.TypeHeader(symbol)}
                {outline}
                {docs}
                These members of {symbol.Name} are missing; here are their exact signatures as stubs:
                ```csharp
                {stubs}
                ```
                Write all of these members with working bodies, keeping each signature exactly. Reply with the members only (no class around them); do not throw NotImplementedException.{FencedAnswer.Retry(previous)}
                """;
            var completion = await engine.ChatAsync(FencedAnswer.Request(user), Limits(options, 1024), cancellationToken).ConfigureAwait(false);
            return ModelAnswer.From(completion, completion.Text);
        }

        public override async Task<Splice> SpliceAsync(string answer, CancellationToken cancellationToken)
        {
            var code = FencedAnswer.Code(answer);
            var (verdict, members) = ParsesAsGate.Members(code, type.SyntaxTree.Options);
            if (members.Count == 0) return new Splice(verdict, null, code);
            var (cleanup, edited, marker) = await AddAsync(members, cancellationToken).ConfigureAwait(false);
            return new Splice(verdict, cleanup.Passed ? new Candidate(Document, edited, marker) : null, code);
        }

        public override async Task<(string Title, Document Document)?> FallbackAsync(CancellationToken cancellationToken)
        {
            var (cleanup, edited, marker) = await AddAsync(Stubs(), cancellationToken).ConfigureAwait(false);
            if (!cleanup.Passed) return null;
            // The stubs are offered only if they, too, pass the compiler.
            var candidate = new Candidate(Document, edited, marker);
            foreach (var gate in new IValidationGate[] { new TargetDiagnosticGoneGate(s_ids), new NoNewErrorsGate(), new EditInScopeGate(Scope) })
            {
                if (!(await gate.CheckAsync(candidate, cancellationToken).ConfigureAwait(false)).Passed) return null;
            }

            return ("Insert plain stubs", edited);
        }

        private async Task<(GateVerdict Cleanup, Document Edited, SyntaxAnnotation Marker)> AddAsync(IEnumerable<SyntaxNode> members, CancellationToken cancellationToken)
        {
            var generator = SyntaxGenerator.GetGenerator(Document);
            var marker = new SyntaxAnnotation("codelsp.ai");
            var added = members.Select(m => CandidateCleanup.Mark(m.WithAdditionalAnnotations(_parts), marker)).ToList();
            var newType = generator.AddMembers(type, added).WithAdditionalAnnotations(marker);
            var root = await Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var (cleanup, cleaned) = await CandidateCleanup.RunAsync(Document.WithSyntaxRoot(root!.ReplaceNode(type, newType)), cancellationToken).ConfigureAwait(false);
            return (cleanup, cleaned, marker);
        }

        /// <summary>Roslyn's stubs with the exact signatures, each body throwing NotImplementedException.</summary>
        private IEnumerable<SyntaxNode> Stubs()
        {
            var generator = SyntaxGenerator.GetGenerator(Document);
            var notImplemented = model.Compilation.GetTypeByMetadataName("System.NotImplementedException");
            SyntaxNode Throw() => generator.ThrowStatement(generator.ObjectCreationExpression(
                notImplemented is null ? generator.IdentifierName("System.NotImplementedException") : generator.TypeExpression(notImplemented)));
            foreach (var (member, isOverride) in missing)
            {
                var declaration = member switch
                {
                    IMethodSymbol method => generator.MethodDeclaration(method, [Throw()]),
                    IPropertySymbol { IsIndexer: true } indexer => generator.IndexerDeclaration(indexer, [Throw()], indexer.SetMethod is null ? null : [Throw()]),
                    IPropertySymbol property => generator.PropertyDeclaration(property, [Throw()], property.SetMethod is null ? null : [Throw()]),
                    IEventSymbol e => generator.EventDeclaration(e),
                    _ => null,
                };
                if (declaration is null) continue;
                declaration = isOverride
                    ? generator.WithModifiers(declaration, DeclarationModifiers.Override)
                    : generator.WithAccessibility(generator.WithModifiers(declaration, DeclarationModifiers.None), Accessibility.Public);
                // The generator leaves an abstract member without a body; the stub gets one.
                declaration = member switch
                {
                    IMethodSymbol => generator.WithStatements(declaration, [Throw()]),
                    IPropertySymbol property => property.SetMethod is null
                        ? generator.WithGetAccessorStatements(declaration, [Throw()])
                        : generator.WithSetAccessorStatements(generator.WithGetAccessorStatements(declaration, [Throw()]), [Throw()]),
                    _ => declaration,
                };
                yield return declaration;
            }
        }
    }
}
