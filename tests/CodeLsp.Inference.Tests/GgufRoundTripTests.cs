using System.Text;
using CodeLsp.Inference.Gguf;

namespace CodeLsp.Inference.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufRoundTripTests(ModelFixture models)
{
    [Fact]
    public void Inspector_reads_back_what_the_writer_wrote()
    {
        var info = GgufInspector.Inspect(models.DefaultModel);

        Assert.Equal(3, info.GgufVersion);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("CodeLsp tiny llama", info.Name);
        Assert.Equal(1024, info.ContextLength);
        Assert.Equal(64, info.EmbeddingLength);
        Assert.Equal(2, info.BlockCount);
        Assert.Equal(0, info.FileType);
        Assert.Equal("F32", info.FileTypeName);
        Assert.True(info.HasChatTemplate);
        Assert.Equal(new FileInfo(models.DefaultModel).Length, info.FileSizeBytes);
        Assert.True(info.FileSizeBytes < 1024 * 1024, $"default tiny model is {info.FileSizeBytes} bytes");

        var tokens = (string[])info.Metadata["tokenizer.ggml.tokens"];
        Assert.Equal(tokens.Length, info.VocabularySize);
        Assert.Equal("Ā", tokens[0]); // byte 0 in GPT-2's byte-to-unicode table
        Assert.Equal("Ġ", tokens[' ']);
        Assert.Contains("Ġreturn", tokens);
        Assert.Equal(new GgufFimInfo("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "metadata"), info.Fim);
        Assert.Equal(false, info.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal("gpt2", info.Metadata["tokenizer.ggml.model"]);

        // 2 blocks × 9 tensors + embeddings, output norm, output.
        Assert.Equal(21, info.TensorCount);
        var embeddings = 64L * tokens.Length;
        Assert.True(info.ParameterCount > 2 * embeddings);
    }

    [Fact]
    public void Writer_is_deterministic_per_seed()
    {
        var a = File.ReadAllBytes(models.Model("seed1-again", new TinyModelOptions()));
        var b = File.ReadAllBytes(models.DefaultModel);
        var c = File.ReadAllBytes(models.Model("seed2", new TinyModelOptions { Seed = 2 }));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.Length, c.Length);
    }

    [Fact]
    public void Inspector_without_fim_metadata_finds_tokens_by_text()
    {
        var path = models.Model("qwen-no-fim-keys", new TinyModelOptions { Name = "Qwen2.5-Coder-tiny", WriteFimMetadata = false });

        var info = GgufInspector.Inspect(path);

        Assert.Equal(new GgufFimInfo("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "token text, Qwen2.5-Coder family"), info.Fim);
    }

    [Fact]
    public void Inspector_reports_no_fim_for_a_model_without_fim_tokens()
    {
        var info = GgufInspector.Inspect(models.Model("no-fim", new TinyModelOptions { FimStyle = TinyFimStyle.None }));

        Assert.Null(info.Fim);
        Assert.False(info.SupportsFim);
    }

    [Fact]
    public void Reader_parses_every_metadata_value_type()
    {
        var bytes = RawGguf.Build(w =>
        {
            RawGguf.Kv(w, "general.architecture", 8, () => RawGguf.String(w, "llama"));
            RawGguf.Kv(w, "t.u8", 0, () => w.Write((byte)200));
            RawGguf.Kv(w, "t.i8", 1, () => w.Write((sbyte)-5));
            RawGguf.Kv(w, "t.u16", 2, () => w.Write((ushort)60000));
            RawGguf.Kv(w, "t.i16", 3, () => w.Write((short)-30000));
            RawGguf.Kv(w, "t.u32", 4, () => w.Write(4000000000u));
            RawGguf.Kv(w, "t.i32", 5, () => w.Write(-2000000000));
            RawGguf.Kv(w, "t.f32", 6, () => w.Write(1.5f));
            RawGguf.Kv(w, "t.bool", 7, () => w.Write((byte)1));
            RawGguf.Kv(w, "t.str", 8, () => RawGguf.String(w, "héllo"));
            RawGguf.Kv(w, "t.u64", 10, () => w.Write(ulong.MaxValue));
            RawGguf.Kv(w, "t.i64", 11, () => w.Write(long.MinValue));
            RawGguf.Kv(w, "t.f64", 12, () => w.Write(2.25));
            RawGguf.Kv(w, "t.arr", 9, () =>
            {
                w.Write(9u); // array of arrays
                w.Write(2UL);
                w.Write(5u);
                w.Write(2UL);
                w.Write(1);
                w.Write(2);
                w.Write(8u);
                w.Write(1UL);
                RawGguf.String(w, "x");
            });
        }, kvCount: 14);
        var path = models.File("all-types.gguf", bytes);

        var m = GgufInspector.Inspect(path).Metadata;

        Assert.Equal((byte)200, m["t.u8"]);
        Assert.Equal((sbyte)-5, m["t.i8"]);
        Assert.Equal((ushort)60000, m["t.u16"]);
        Assert.Equal((short)-30000, m["t.i16"]);
        Assert.Equal(4000000000u, m["t.u32"]);
        Assert.Equal(-2000000000, m["t.i32"]);
        Assert.Equal(1.5f, m["t.f32"]);
        Assert.Equal(true, m["t.bool"]);
        Assert.Equal("héllo", m["t.str"]);
        Assert.Equal(ulong.MaxValue, m["t.u64"]);
        Assert.Equal(long.MinValue, m["t.i64"]);
        Assert.Equal(2.25, m["t.f64"]);
        var nested = Assert.IsType<object[]>(m["t.arr"]);
        Assert.Equal(new[] { 1, 2 }, nested[0]);
        Assert.Equal(new[] { "x" }, nested[1]);
    }
}

/// <summary>Writes GGUF bytes by hand, for files the real writer would never produce.</summary>
internal static class RawGguf
{
    public static byte[] Build(Action<BinaryWriter> writeKvs, ulong kvCount, ulong tensorCount = 0, uint version = 3)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(GgufFile.Magic);
        w.Write(version);
        w.Write(tensorCount);
        w.Write(kvCount);
        writeKvs(w);
        w.Flush();
        return stream.ToArray();
    }

    public static void Kv(BinaryWriter w, string key, uint type, Action value)
    {
        String(w, key);
        w.Write(type);
        value();
    }

    public static void String(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
