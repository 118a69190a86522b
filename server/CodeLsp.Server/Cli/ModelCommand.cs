using System.CommandLine;
using System.Globalization;
using CodeLsp.Inference;

namespace CodeLsp.Server.Cli;

/// <summary><c>codelsp model tiny|inspect|list|pull</c>: make a test model, say what a GGUF file is, list the catalog, download a model.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var command = new Command("model", "List, download, write or inspect GGUF model files");
        command.Subcommands.Add(ModelListCommand.Create());
        command.Subcommands.Add(ModelPullCommand.Create());
        command.Subcommands.Add(CreateTiny());
        command.Subcommands.Add(CreateInspect());
        return command;
    }

    private static Command CreateTiny()
    {
        var output = new Argument<string>("out") { Description = "Where to write the .gguf file" };
        var dim = new Option<int>("--dim") { Description = "Embedding size (64: <1 MB; 512 with 8 layers: ~100 MB)", DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { Description = "Transformer blocks", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights", DefaultValueFactory = _ => 1 };
        var context = new Option<int>("--context") { Description = "Training context length in tokens (the most a server context can hold)", DefaultValueFactory = _ => 1024 };
        var headDim = new Option<int>("--head-dim") { Description = "Width of an attention head", DefaultValueFactory = _ => 32 };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "Key/value heads (grouped-query attention; default: one per query head)" };
        var command = new Command("tiny", "Write a small random-weight llama GGUF model with a FIM tokenizer (its output is noise: for smoke tests)") { output, dim, layers, seed, context, headDim, kvHeads };
        command.SetAction(parse =>
        {
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var d = parse.GetValue(dim);
            var l = parse.GetValue(layers);
            var c = parse.GetValue(context);
            if (d < 8 || d % 8 != 0 || l < 1 || c < 16)
            {
                Console.Error.WriteLine("--dim must be a positive multiple of 8, --layers at least 1 and --context at least 16.");
                return 2;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                TinyModel.Write(path, new TinyModelOptions
                {
                    Dim = d, Layers = l, Seed = parse.GetValue(seed), ContextLength = c,
                    HeadDimension = parse.GetValue(headDim), KeyValueHeads = parse.GetValue(kvHeads),
                });
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:F2} MiB)"));
            return 0;
        });
        return command;
    }

    private static Command CreateInspect()
    {
        var path = new Argument<string>("path") { Description = "The .gguf file" };
        var command = new Command("inspect", "Print a GGUF model's architecture, size, context length, FIM support and chat template") { path };
        command.SetAction(parse =>
        {
            GgufModelInfo info;
            try
            {
                info = GgufInspector.Inspect(Path.GetFullPath(parse.GetValue(path)!));
            }
            catch (ModelLoadException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"file          {info.Path}");
            Console.WriteLine(string.Create(inv, $"size          {info.FileSizeBytes / 1024.0 / 1024.0:F2} MiB (GGUF v{info.GgufVersion}, {info.TensorCount} tensors, {info.FileTypeName ?? "unknown type"})"));
            Console.WriteLine($"name          {info.Name ?? "(none)"}");
            Console.WriteLine($"architecture  {info.Architecture}");
            Console.WriteLine(string.Create(inv, $"parameters    {info.ParameterCount:N0}"));
            Console.WriteLine(string.Create(inv, $"context       {(info.ContextLength is { } c ? c.ToString("N0", inv) + " tokens" : "unknown")}"));
            Console.WriteLine(string.Create(inv, $"layers / dim  {info.BlockCount?.ToString(inv) ?? "?"} / {info.EmbeddingLength?.ToString(inv) ?? "?"}"));
            Console.WriteLine(string.Create(inv, $"vocabulary    {info.VocabularySize:N0} tokens"));
            Console.WriteLine(info.Fim is { } fim
                ? $"FIM           yes: {fim.Prefix} {fim.Suffix} {fim.Middle} (from {fim.Source})"
                : "FIM           no — this model cannot complete code at the cursor");
            Console.WriteLine($"chat template {(info.HasChatTemplate ? "yes" : "no")}");
            return 0;
        });
        return command;
    }
}
