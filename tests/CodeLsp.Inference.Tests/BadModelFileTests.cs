using Serilog.Events;

namespace CodeLsp.Inference.Tests;

/// <summary>Every kind of bad file gives a <see cref="ModelLoadException"/> that says what is wrong, and the process can still load a good model.</summary>
[Collection(ModelCollection.Name)]
public sealed class BadModelFileTests(ModelFixture models)
{
    private byte[] GoodBytes => File.ReadAllBytes(models.DefaultModel);

    [Fact]
    public async Task Missing_file()
    {
        var path = Path.Combine(models.Directory, "nope.gguf");
        var e = await AssertLoadFails(path);
        Assert.Contains("not found", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task Directory_instead_of_file()
    {
        var e = await AssertLoadFails(models.Directory);
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public async Task Empty_file()
    {
        var e = await AssertLoadFails(models.File("empty.gguf", []));
        Assert.Contains("is empty (0 bytes)", e.Message);
    }

    [Fact]
    public async Task Wrong_magic()
    {
        var e = await AssertLoadFails(models.File("page.gguf", "<!DOCTYPE html><html>Not found</html>"u8.ToArray()));
        Assert.Contains("is not a GGUF file (starts with \"<!DO\"", e.Message);
        Assert.Contains("HTML", e.Message);
    }

    [Theory]
    [InlineData("version https://git-lfs.github.com/spec/v1\noid sha256:abc\n", "Git LFS pointer")]
    [InlineData("PK\u0003\u0004rest-of-zip", "zip archive")]
    public async Task Wrong_magic_with_a_hint(string content, string hint)
    {
        var e = await AssertLoadFails(models.File($"foreign-{hint.Length}.gguf", System.Text.Encoding.UTF8.GetBytes(content)));
        Assert.Contains("is not a GGUF file", e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public async Task Unsupported_version()
    {
        var bytes = GoodBytes;
        BitConverter.TryWriteBytes(bytes.AsSpan(4), 99u);
        var e = await AssertLoadFails(models.File("v99.gguf", bytes));
        Assert.Contains("GGUF version 99, which is not supported", e.Message);
    }

    [Fact]
    public async Task Truncated_header()
    {
        var e = await AssertLoadFails(models.File("short-header.gguf", GoodBytes[..300]));
        Assert.True(e.Message.Contains("is truncated: its GGUF header is cut off after 300 bytes"), e.Message);
    }

    [Fact]
    public async Task Truncated_tensor_data()
    {
        var good = GoodBytes;
        var e = await AssertLoadFails(models.File("short-data.gguf", good[..(good.Length - 5000)]));
        Assert.Contains($"is truncated: expected {good.Length:N0} bytes, found {good.Length - 5000:N0} — the download may be incomplete", e.Message);
    }

    [Fact]
    public async Task Missing_tensor_reason_comes_from_llama_cpp()
    {
        var path = models.Model("missing-tensor", new TinyModelOptions { OmitTensors = ["blk.1.ffn_down.weight"] });

        var e = await AssertLoadFails(path, inspectorAccepts: true);

        Assert.Contains("llama.cpp could not load", e.Message);
        Assert.Contains(": missing tensor 'blk.1.ffn_down.weight'. The file may be damaged", e.Message);
        // The reason travelled through the native log bridge as an Error event.
        Assert.Contains(models.Events.All, x => x.Level == LogEventLevel.Error && x.RenderMessage().Contains("blk.1.ffn_down.weight"));
    }

    [Theory]
    [InlineData("type", "tensor 'token_embd.weight' has invalid ggml type 99")]
    [InlineData("shape", "tensor 'blk.0.attn_norm.weight' has offset 73728, expected 36864")]
    public async Task Damaged_tensor_entries_fail_cleanly_in_llama_cpp(string damage, string expected)
    {
        var bytes = GoodBytes;
        var entry = TensorEntryOffset(bytes, "token_embd.weight");
        if (damage == "type")
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(entry + 4 + 16), 99u); // after n_dims and two dims
        }
        else
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(entry + 4), 32UL); // first dim 64 → 32
        }

        var e = await AssertLoadFails(models.File($"damaged-{damage}.gguf", bytes), inspectorAccepts: true);
        Assert.Contains("llama.cpp could not load", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Misaligned_tensor_offset()
    {
        var bytes = GoodBytes;
        var entry = TensorEntryOffset(bytes, "output_norm.weight");
        BitConverter.TryWriteBytes(bytes.AsSpan(entry + 4 + 8 + 4), BitConverter.ToUInt64(bytes, entry + 4 + 8 + 4) + 4);

        var e = await AssertLoadFails(models.File("misaligned.gguf", bytes));
        Assert.Contains("tensor 'output_norm.weight' has an invalid data offset", e.Message);
    }

    /// <summary>Offset just after the name of <paramref name="tensor"/>'s directory entry (at its dimension count).</summary>
    private static int TensorEntryOffset(byte[] bytes, string tensor)
    {
        byte[] needle = [.. BitConverter.GetBytes((ulong)tensor.Length), .. System.Text.Encoding.ASCII.GetBytes(tensor)];
        var at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        return at + needle.Length;
    }

    [Fact]
    public async Task Unknown_architecture()
    {
        var e = await AssertLoadFails(models.Model("mystery-arch", new TinyModelOptions { Architecture = "mystery" }));
        Assert.Contains("is a 'mystery' model, an architecture the bundled llama.cpp does not support", e.Message);
    }

    [Fact]
    public async Task Huge_metadata_count()
    {
        var bytes = GoodBytes;
        BitConverter.TryWriteBytes(bytes.AsSpan(16), ulong.MaxValue / 3);
        var e = await AssertLoadFails(models.File("huge-kv.gguf", bytes));
        Assert.Contains("damaged GGUF header: it claims", e.Message);
        Assert.Contains("metadata entries", e.Message);
    }

    [Fact]
    public async Task Huge_tensor_count()
    {
        var bytes = GoodBytes;
        BitConverter.TryWriteBytes(bytes.AsSpan(8), 1UL << 40);
        var e = await AssertLoadFails(models.File("huge-tensors.gguf", bytes));
        Assert.Contains("tensors, more than a", e.Message);
    }

    [Fact]
    public async Task Huge_string_length()
    {
        var bytes = GoodBytes;
        BitConverter.TryWriteBytes(bytes.AsSpan(24), 1UL << 50); // length of the first key
        var e = await AssertLoadFails(models.File("huge-string.gguf", bytes));
        Assert.Contains("a string claims", e.Message);
    }

    [Fact]
    public void Huge_array_count()
    {
        var bytes = RawGguf.Build(w =>
        {
            RawGguf.Kv(w, "general.architecture", 8, () => RawGguf.String(w, "llama"));
            RawGguf.Kv(w, "tokenizer.ggml.tokens", 9, () =>
            {
                w.Write(8u);
                w.Write(1UL << 60);
            });
        }, kvCount: 2);

        var e = Assert.Throws<ModelLoadException>(() => GgufInspector.Inspect(models.File("huge-array.gguf", bytes)));
        Assert.Contains("a metadata array claims", e.Message);
    }

    [Theory]
    [InlineData("llama", "adapter", "is a LoRA adapter, not a model")]
    [InlineData("clip", "model", "is a vision projector (mmproj) file, not a language model")]
    public void Files_that_are_not_language_models(string architecture, string type, string expected)
    {
        var bytes = RawGguf.Build(w =>
        {
            RawGguf.Kv(w, "general.architecture", 8, () => RawGguf.String(w, architecture));
            RawGguf.Kv(w, "general.type", 8, () => RawGguf.String(w, type));
        }, kvCount: 2);

        var e = Assert.Throws<ModelLoadException>(() => GgufInspector.Inspect(models.File($"{architecture}-{type}.gguf", bytes)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Good_model_loads_after_bad_ones()
    {
        await AssertLoadFails(models.Model("missing-tensor-2", new TinyModelOptions { OmitTensors = ["output.weight", "token_embd.weight"] }), inspectorAccepts: true);
        await AssertLoadFails(models.File("v98.gguf", [.. "GGUF"u8, 98, 0, 0, 0]));

        using var host = await models.LoadAsync(models.DefaultModel);
        var completion = await host.CompleteAsync(new FimPrompt("int x", ";"), new GenerationLimits(4, TimeSpan.FromSeconds(10)), CancellationToken.None);
        Assert.Equal(4, completion.GeneratedTokens);
    }

    private async Task<ModelLoadException> AssertLoadFails(string path, bool inspectorAccepts = false)
    {
        if (inspectorAccepts)
        {
            GgufInspector.Inspect(path);
        }
        else
        {
            var inspected = Assert.Throws<ModelLoadException>(() => GgufInspector.Inspect(path));
            Assert.Equal(Path.GetFullPath(path), Path.GetFullPath(inspected.Path));
        }

        var e = await Assert.ThrowsAsync<ModelLoadException>(() => models.LoadAsync(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        return e;
    }
}
