using CodeLsp.Features.Completion;
using CodeLsp.Inference;
using CodeLsp.Inference.Engines;
using CodeLsp.Workspace;
using CodeLsp.Workspace.Documents;
using Microsoft.CodeAnalysis;
using Serilog;

namespace CodeLsp.Features.Tests.Completion;

/// <summary>Tiny random models with different seeds: their output is noise, so only the constraint can make it start with a member.</summary>
public sealed class SeededTinyModels : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("codelsp-constrained-").FullName;

    public static readonly int[] Seeds = [1, 2, 3];

    public Dictionary<int, ModelHost> Hosts { get; } = [];

    public async Task InitializeAsync()
    {
        foreach (var seed in Seeds)
        {
            var path = Path.Combine(_directory, $"tiny-{seed}.gguf");
            TinyModel.Write(path, new TinyModelOptions { Seed = seed });
            Hosts[seed] = await ModelHost.LoadAsync(new ModelLoadOptions { Path = path, Threads = 1 }, null, CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        foreach (var host in Hosts.Values) host.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>The whole path: the pipeline asks Roslyn for the names at the site and the real decoding loop is held to them.</summary>
public sealed class ConstrainedDecodingTests(SeededTinyModels models) : IClassFixture<SeededTinyModels>
{
    private const string CartSource = """
        namespace Shop;
        public sealed class Cart
        {
            public static Cart Empty { get; } = new();
            public static Cart Create(string owner) => new();
            public int Count { get; private set; }
            public void AddItem(string sku, int quantity) { }
            public decimal Total() => 0m;
            public void Clear() { }
            private int _secret;
        }
        public static class CartExtensions
        {
            public static string Describe(this Cart cart) => "";
        }
        public abstract class Shape { }
        """;

    private static readonly string[] s_instance = ["Count", "AddItem", "Total", "Clear", "Describe", "ToString", "Equals", "GetHashCode", "GetType"];
    private static readonly string[] s_static = ["Empty", "Create", "Equals", "ReferenceEquals"];

    // The caret's line inside Checkout.Run(Cart cart); the names the first identifier must come from.
    public static TheoryData<int, string, string> Sites()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var seed in SeededTinyModels.Seeds)
        {
            data.Add(seed, "cart.$$", "instance");
            data.Add(seed, "var total = cart.$$", "instance");
            data.Add(seed, "if (cart.$$", "instance");
            data.Add(seed, "Cart.$$", "static");
            data.Add(seed, "var c = new $$", "creation");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public async Task The_first_identifier_is_one_the_compiler_allows(int seed, string line, string kind)
    {
        var (trace, identifier, model) = await CompleteAsync(seed, line, constrained: true);

        Assert.NotNull(trace.Prompt!.FirstIdentifier);
        Assert.True(trace.Model!.Constraint!.Steps > 0);
        Assert.True(await IsAllowedAsync(kind, identifier, trace.Model.Text, model), $"'{trace.Model.Text}' after '{line}' ({kind})");
    }

    [Fact]
    public async Task With_the_setting_off_the_same_sites_produce_names_that_do_not_exist()
    {
        var wrong = new List<string>();
        foreach (var seed in SeededTinyModels.Seeds)
        {
            foreach (var row in Sites().Where(r => (int)r[0] == seed))
            {
                var (trace, identifier, model) = await CompleteAsync(seed, (string)row[1], constrained: false);
                Assert.Null(trace.Prompt!.FirstIdentifier);
                Assert.Null(trace.Model!.Constraint);
                if (!await IsAllowedAsync((string)row[2], identifier, trace.Model.Text, model)) wrong.Add($"{row[1]} → {trace.Model.Text}");
            }
        }

        // The test above can fail: left alone, the noise model writes names that do not exist.
        Assert.NotEmpty(wrong);
    }

    [Theory]
    [InlineData("cart.A", "AddItem")]
    [InlineData("cart.To", "ToString,Total")]
    [InlineData("cart.Total", "Total")]
    [InlineData("Cart.Cr", "Create")]
    public async Task A_partly_typed_name_is_finished_with_a_name_that_starts_with_it(string line, string expected)
    {
        foreach (var seed in SeededTinyModels.Seeds)
        {
            var (trace, identifier, _) = await CompleteAsync(seed, line + "$$", constrained: true);

            Assert.Contains(identifier, expected.Split(','));
            Assert.All(trace.Prompt!.FirstIdentifier!.Names, n => Assert.Contains(line[(line.IndexOf('.') + 1)..] + n, expected.Split(',')));
        }
    }

    [Fact]
    public async Task A_name_cut_by_the_token_limit_is_not_shown()
    {
        // Every static member of Cart takes more than 3 tokens of the tiny byte-level vocabulary.
        var (trace, _, _) = await CompleteAsync(1, "Cart.$$", constrained: true, maxTokens: 3);

        Assert.True(trace.Model!.Constraint!.Unfinished);
        Assert.Equal("cut inside a name", trace.Outcome);
    }

    [Fact]
    public async Task Typing_the_name_through_asks_the_compiler_once()
    {
        // A scripted model whose suggestion the typing does not follow, so every keystroke asks the model again.
        var names = new List<IReadOnlyList<string>>();
        var model = new ScriptedFimModel(p => { names.Add(p.FirstIdentifier!.Names); return "Clear();"; });
        using var workspace = new WorkspaceHost(Log.Logger);
        var pipeline = Pipeline(1, constrained: true, workspace, out var store, engine: model);
        var (text, caret) = Markup.Parse(Checkout("cart.$$"));
        var uri = new Uri("file:///w/Checkout.cs");
        var state = store.Open(uri, "csharp", 1, text);

        for (var typed = 0; typed <= 2; typed++)
        {
            if (typed > 0) state = store.Change(uri, typed + 1, [new DocumentEdit(new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(6, 13 + typed), new(6, 13 + typed)), "AddItem"[typed - 1].ToString())]);
            await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret + typed, CompletionTrigger.Invoked), CancellationToken.None);
        }

        Assert.Equal(1, pipeline.ConstraintLookups);
        Assert.Contains("AddItem", names[0]);
        Assert.Equal(["ddItem"], names[1]);
        Assert.Equal(["dItem"], names[2]);
    }

    [Fact]
    public async Task A_typed_name_that_no_member_starts_with_leaves_decoding_free()
    {
        var (trace, _, _) = await CompleteAsync(1, "cart.Zq$$", constrained: true);

        Assert.Null(trace.Prompt!.FirstIdentifier);
    }

    private InlineCompletionPipeline Pipeline(int seed, bool constrained, WorkspaceHost workspace, out DocumentStore store, int maxTokens = 32, IInferenceEngine? engine = null)
    {
        var options = new PipelineOptions
        {
            MaxTokens = maxTokens,
            ContextWait = TimeSpan.FromSeconds(30),
            ConstrainedDecoding = constrained,
            Trigger = new TriggerOptions { MinDebounceMs = 0 },
        };
        store = new DocumentStore();
        workspace.GetDocument(new Uri("file:///w/Cart.cs"), store.Open(new Uri("file:///w/Cart.cs"), "csharp", 1, CartSource).Text);
        return new InlineCompletionPipeline(engine ?? new LocalEngine(models.Hosts[seed]), options, Log.Logger, workspace: workspace);
    }

    private static string Checkout(string line) => $$"""
        using System.Text;
        namespace Shop;
        public static class Checkout
        {
            public static void Run(Cart cart)
            {
                {{line}}
            }
        }
        """;

    private async Task<(CompletionTrace Trace, string Identifier, SemanticModel Model)> CompleteAsync(int seed, string line, bool constrained, int maxTokens = 32)
    {
        using var workspace = new WorkspaceHost(Log.Logger);
        var pipeline = Pipeline(seed, constrained, workspace, out var store, maxTokens);
        CompletionTrace? trace = null;
        pipeline.Completed += (_, t) => trace = t;
        var (text, caret) = Markup.Parse(Checkout(line));
        var uri = new Uri("file:///w/Checkout.cs");
        var state = store.Open(uri, "csharp", 1, text);

        await pipeline.CompleteAsync(new InlineCompletionQuery(state, caret, CompletionTrigger.Invoked), CancellationToken.None);

        Assert.NotNull(trace?.Model);
        var typed = new string([.. text[..caret].Reverse().TakeWhile(IsIdentifierChar).Reverse()]);
        var identifier = typed + new string([.. trace.Model.Text.TakeWhile(IsIdentifierChar)]);
        var model = (await workspace.GetDocument(uri, state.Text).GetSemanticModelAsync())!;
        return (trace, identifier, model);
    }

    /// <summary>Checked independently of the lookup under test: the members listed above, or (after <c>new</c>) a type Roslyn finds by that name that can be created.</summary>
    private static Task<bool> IsAllowedAsync(string kind, string identifier, string generated, SemanticModel model) => Task.FromResult(kind switch
    {
        "instance" => s_instance.Contains(identifier),
        "static" => s_static.Contains(identifier),
        _ => identifier.Length == 0
            ? generated.Length > 0 && "{[(".Contains(generated[0])
            : model.Compilation.GetSymbolsWithName(identifier).OfType<INamedTypeSymbol>().Any(t => t is { IsAbstract: false, IsStatic: false, TypeKind: TypeKind.Class or TypeKind.Struct })
              || model.LookupNamespacesAndTypes(model.SyntaxTree.Length - 1, name: identifier).Any(s => s is INamespaceSymbol or INamedTypeSymbol { IsAbstract: false, IsStatic: false })
              || identifier is "int" or "string" or "object" or "bool" or "char" or "long" or "double" or "decimal" or "float" or "byte" or "short" or "uint" or "ulong" or "ushort" or "sbyte" or "nint" or "nuint",
    });

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
