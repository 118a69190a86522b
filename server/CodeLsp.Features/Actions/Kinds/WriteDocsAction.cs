using System.Text;
using System.Text.Json;
using CodeLsp.Features.Actions.Gates;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace CodeLsp.Features.Actions.Kinds;

/// <summary>
/// "Write XML docs with AI": the tags come from the symbol (<c>&lt;param&gt;</c> for each real parameter,
/// <c>&lt;typeparam&gt;</c>, <c>&lt;returns&gt;</c>, <c>&lt;exception&gt;</c> for what the body throws); the model writes only the
/// text inside them — an instruct model as one JSON object keyed by the real names, a base model by filling in each tag.
/// </summary>
internal sealed class WriteDocsAction : IAiAction
{
    public AiActionKind Kind => AiActionKind.Docs;

    public string? Unsupported(EngineInfo engine) =>
        engine.SupportsChat || engine.SupportsFim ? null : $"{engine.ModelName} can neither chat nor fill in the middle";

    public Task<ActionOffer?> OfferAsync(ActionSite site, CancellationToken cancellationToken) =>
        Task.FromResult(Find(site) is { } declaration
            ? new ActionOffer($"Write XML docs for {Declarations.NameOf(declaration)} with AI", ActionKinds.DocsAi) { IsAi = true }
            : null);

    public async Task<Resolution> ResolveAsync(ActionSite site, string? diagnosticId, CancellationToken cancellationToken)
    {
        if (Find(site) is not { } declaration) return "there is no undocumented declaration here";
        var line = site.Text.Lines.GetLineFromPosition(declaration.SpanStart);
        if (!string.IsNullOrWhiteSpace(site.Text.ToString(TextSpan.FromBounds(line.Start, declaration.SpanStart)))) return "the declaration does not start its line";
        var model = await site.Document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model?.GetDeclaredSymbol(declaration, cancellationToken) is not { } symbol) return "the declaration declares no symbol";
        return new Target(site.Document, site.Text, declaration, symbol, DocTag.For(symbol, declaration, model!));
    }

    private static MemberDeclarationSyntax? Find(ActionSite site) =>
        Declarations.DeclarationAt(site.Root, site.Span.Start) is { } d && Declarations.InHeader(d, site.Span.Start) && !Declarations.HasDocComment(d) &&
        d is BaseMethodDeclarationSyntax or BasePropertyDeclarationSyntax or BaseTypeDeclarationSyntax or DelegateDeclarationSyntax
            ? d
            : null;

    private sealed class Target(Document document, SourceText text, MemberDeclarationSyntax declaration, ISymbol symbol, IReadOnlyList<DocTag> tags)
        : ActionTarget(document, text)
    {
        private const string JsonPrefix = "{\"summary\": \"";

        public override TextSpan Scope => declaration.FullSpan;

        public override string Describe => $"documentation of {symbol.Name}";

        public override IReadOnlyList<IValidationGate> Gates =>
        [
            new DocCommentGate(tags.Where(t => t.Tag == "param").Select(t => t.Name!).ToList(), tags.Where(t => t.Tag == "typeparam").Select(t => t.Name!).ToList()),
            new SignatureUnchangedGate(SignatureUnchangedGate.Of(symbol)),
            new NoNewErrorsGate(),
            new EditInScopeGate(Scope),
        ];

        public override async Task<ModelAnswer> AskAsync(IInferenceEngine engine, ActionOptions options, Attempted? previous, CancellationToken cancellationToken)
        {
            if (!engine.Info.SupportsChat) return await FillTagsAsync(engine, options, cancellationToken).ConfigureAwait(false);
            var keys = string.Join(", ", tags.Skip(1).Select(t => $"\"{t.Key}\""));
            var body = declaration.ToString();
            if (body.Length > 4000) body = body[..4000] + "\n// …";
            var retry = previous is null ? "" : $"\n\nYour previous answer was rejected: {previous.Problems}";
            var user = $"""
                ```csharp
                {body}
                ```
                Write the XML documentation text for `{symbol.Name}` ({symbol.Kind.ToString().ToLowerInvariant()} of {symbol.ContainingType?.Name ?? symbol.ContainingNamespace?.ToDisplayString()}).
                Reply with one JSON object: "summary" (one or two plain sentences saying what it does){(keys.Length > 0 ? ", then " + keys : "")}; each value is plain text without XML or code.{retry}
                """;
            var request = new ChatRequest([new ChatMessage("system", "You document C# code. Reply with JSON only."), new ChatMessage("user", user)])
            {
                ResponsePrefix = JsonPrefix,
            };
            var completion = await engine.ChatAsync(request, Limits(options, 400, t => JsonEnd(JsonPrefix + t) >= 0), cancellationToken).ConfigureAwait(false);
            var json = JsonPrefix + completion.Text;
            var end = JsonEnd(json);
            return ModelAnswer.From(completion, end >= 0 ? json[..(end + 1)] : json);
        }

        /// <summary>FIM: one call per tag, the prefix holding the tags already written, each cut at its line's end.</summary>
        private async Task<ModelAnswer> FillTagsAsync(IInferenceEngine engine, ActionOptions options, CancellationToken cancellationToken)
        {
            var (insertAt, indent) = InsertionPoint();
            var written = new Dictionary<string, string>();
            ModelAnswer? total = null;
            foreach (var tag in tags)
            {
                var before = Render(tags.TakeWhile(t => t != tag).ToList(), written, indent);
                var open = tag.Tag == "summary" ? $"{indent}/// <summary>\n{indent}/// " : $"{indent}/// {tag.Open}";
                var close = tag.Tag == "summary" ? $"\n{indent}/// </summary>\n" : $"{tag.Close}\n";
                var prompt = new FimPrompt(Text.ToString(TextSpan.FromBounds(0, insertAt)) + before + open, close + Text.ToString(TextSpan.FromBounds(insertAt, Text.Length)));
                var completion = await engine.CompleteAsync(prompt, Limits(options, 60, t => t.IndexOfAny(['\n', '<']) >= 0), cancellationToken).ConfigureAwait(false);
                var cut = completion.Text.IndexOfAny(['\n', '<']);
                written[tag.Key] = (cut >= 0 ? completion.Text[..cut] : completion.Text).Trim();
                var answer = ModelAnswer.From(completion, "");
                total = total is null ? answer : total.Plus(answer, "");
            }

            var json = ToJson(written);
            return total is null ? new ModelAnswer(json, 0, TimeSpan.Zero, 0, TimeSpan.Zero) : total with { Text = json };
        }

        public override async Task<Splice> SpliceAsync(string answer, CancellationToken cancellationToken)
        {
            var texts = Parse(answer);
            if (texts is null) return new Splice(new GateVerdict(ParsesAsGate.Name, false, "the answer is not the JSON object asked for"), null, answer);
            var missing = tags.Where(t => !texts.ContainsKey(t.Key)).Select(t => t.Key).ToList();
            if (missing.Count > 0) return new Splice(new GateVerdict(ParsesAsGate.Name, false, $"the answer has no text for {string.Join(", ", missing)}"), null, answer);
            var (insertAt, indent) = InsertionPoint();
            var comment = Render(tags, texts, indent);
            var edited = Document.WithText(Text.WithChanges(new TextChange(new TextSpan(insertAt, 0), comment)));
            var root = await edited.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var moved = declaration.SpanStart + comment.Length;
            var node = root!.FindToken(moved).Parent?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m.SpanStart == moved);
            if (node is null) return new Splice(new GateVerdict(ParsesAsGate.Name, false, "the documented declaration was not found again"), null, comment);
            var marker = new SyntaxAnnotation("codelsp.ai");
            edited = edited.WithSyntaxRoot(root.ReplaceNode(node, node.WithAdditionalAnnotations(marker)));
            var (cleanup, cleaned) = await CandidateCleanup.RunAsync(edited, cancellationToken).ConfigureAwait(false);
            return new Splice(new GateVerdict(ParsesAsGate.Name, true, $"text for {tags.Count} tag(s)"),
                cleanup.Passed ? new Candidate(Document, cleaned, marker) : null, comment + declaration.ToString());
        }

        private (int Position, string Indent) InsertionPoint()
        {
            var line = Text.Lines.GetLineFromPosition(declaration.SpanStart);
            return (line.Start, Text.ToString(TextSpan.FromBounds(line.Start, declaration.SpanStart)));
        }

        private static string Render(IReadOnlyList<DocTag> which, IReadOnlyDictionary<string, string> texts, string indent)
        {
            var doc = new StringBuilder();
            foreach (var tag in which)
            {
                var value = Escape(texts.GetValueOrDefault(tag.Key, ""));
                if (tag.Tag == "summary") doc.Append($"{indent}/// <summary>\n{indent}/// {value}\n{indent}/// </summary>\n");
                else doc.Append($"{indent}/// {tag.Open}{value}{tag.Close}\n");
            }

            return doc.ToString();
        }

        private static string Escape(string text) =>
            string.Join(" ", text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

        /// <summary>Texts by tag key from the JSON answer (nested "params": {...} objects are flattened to "param a").</summary>
        private Dictionary<string, string>? Parse(string answer)
        {
            try
            {
                using var json = JsonDocument.Parse(answer);
                if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
                var texts = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String) texts[property.Name] = property.Value.GetString()!;
                    else if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        var group = property.Name.TrimEnd('s');
                        foreach (var inner in property.Value.EnumerateObject())
                        {
                            if (inner.Value.ValueKind == JsonValueKind.String) texts[$"{group} {inner.Name}"] = inner.Value.GetString()!;
                        }
                    }
                }

                return texts;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string ToJson(Dictionary<string, string> texts) => JsonSerializer.Serialize(texts);

        /// <summary>Index of the brace that closes the JSON object starting at 0, or -1.</summary>
        internal static int JsonEnd(string text)
        {
            var depth = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '"')
                {
                    for (i++; i < text.Length && text[i] != '"'; i++)
                    {
                        if (text[i] == '\\') i++;
                    }
                }
                else if (c == '{') depth++;
                else if (c == '}' && --depth == 0) return i;
            }

            return -1;
        }
    }
}

/// <summary>One doc tag the symbol calls for; <see cref="Key"/> names it in the model's JSON ("summary", "param count", "returns" …).</summary>
internal sealed record DocTag(string Tag, string? Name)
{
    public string Key => Name is null ? Tag : $"{Tag} {Name}";

    public string Open => Tag switch
    {
        "exception" => $"<exception cref=\"{Name}\">",
        _ when Name is not null => $"<{Tag} name=\"{Name}\">",
        _ => $"<{Tag}>",
    };

    public string Close => $"</{Tag}>";

    public static IReadOnlyList<DocTag> For(ISymbol symbol, SyntaxNode declaration, SemanticModel model)
    {
        var tags = new List<DocTag> { new("summary", null) };
        var typeParameters = symbol switch
        {
            IMethodSymbol m => m.TypeParameters,
            INamedTypeSymbol t => t.TypeParameters,
            _ => [],
        };
        tags.AddRange(typeParameters.Select(t => new DocTag("typeparam", t.Name)));
        var parameters = symbol switch
        {
            IMethodSymbol m => m.Parameters,
            IPropertySymbol p => p.Parameters,
            INamedTypeSymbol { DelegateInvokeMethod: { } invoke } => invoke.Parameters,
            _ => [],
        };
        tags.AddRange(parameters.Select(p => new DocTag("param", p.Name)));
        if (symbol is IMethodSymbol { ReturnsVoid: false, MethodKind: not MethodKind.Constructor } method &&
            !(method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 0 }))
        {
            tags.Add(new DocTag("returns", null));
        }

        if (symbol is not INamedTypeSymbol)
        {
            var thrown = declaration.DescendantNodes()
                .Select(n => n switch
                {
                    ThrowStatementSyntax { Expression: ObjectCreationExpressionSyntax c } => c,
                    ThrowExpressionSyntax { Expression: ObjectCreationExpressionSyntax c } => c,
                    _ => null,
                })
                .OfType<ObjectCreationExpressionSyntax>()
                .Select(c => model.GetTypeInfo(c).Type?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))
                .OfType<string>()
                .Distinct();
            tags.AddRange(thrown.Select(t => new DocTag("exception", t)));
        }

        return tags;
    }
}
