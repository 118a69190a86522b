using System.Runtime.InteropServices;
using System.Text;

namespace CodeLsp.Inference.Gguf;

/// <summary>
/// Writes GGUF v3 files with F32 tensors. Metadata and the tensor directory are collected first; tensor data is
/// produced by a fill callback in small chunks while writing, so a 100 MB model never sits in memory.
/// </summary>
internal sealed class GgufWriter
{
    private const int ChunkElements = 1 << 14;

    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<PendingTensor> _tensors = [];

    public uint Alignment { get; init; } = GgufFile.DefaultAlignment;

    public void Add(string key, string value) => _metadata.Add((key, GgufValueType.String, value));
    public void Add(string key, uint value) => _metadata.Add((key, GgufValueType.UInt32, value));
    public void Add(string key, int value) => _metadata.Add((key, GgufValueType.Int32, value));
    public void Add(string key, float value) => _metadata.Add((key, GgufValueType.Float32, value));
    public void Add(string key, bool value) => _metadata.Add((key, GgufValueType.Bool, value));
    public void Add(string key, string[] values) => _metadata.Add((key, GgufValueType.Array, values));
    public void Add(string key, int[] values) => _metadata.Add((key, GgufValueType.Array, values));
    public void Add(string key, float[] values) => _metadata.Add((key, GgufValueType.Array, values));

    /// <summary>
    /// Adds an F32 tensor. <paramref name="fill"/> receives the index of the chunk's first element and the chunk to fill;
    /// elements are in row-major order of the fastest-first <paramref name="dimensions"/>.
    /// </summary>
    public void AddTensor(string name, long[] dimensions, Action<long, Span<float>> fill) =>
        _tensors.Add(new PendingTensor(name, dimensions, fill));

    public void WriteTo(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        WriteTo(file);
    }

    public void WriteTo(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);

        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, value);
        }

        long offset = 0;
        foreach (var tensor in _tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Dimensions.Length);
            foreach (var d in tensor.Dimensions)
            {
                w.Write((ulong)d);
            }

            w.Write(GgmlType.F32);
            w.Write((ulong)offset);
            offset += Align(tensor.ElementCount * sizeof(float));
        }

        Pad(w);
        var chunk = new float[ChunkElements];
        foreach (var tensor in _tensors)
        {
            for (long start = 0; start < tensor.ElementCount; start += ChunkElements)
            {
                var span = chunk.AsSpan(0, (int)Math.Min(ChunkElements, tensor.ElementCount - start));
                tensor.Fill(start, span);
                w.Write(MemoryMarshal.AsBytes(span));
            }

            Pad(w);
        }
    }

    private long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private void Pad(BinaryWriter w)
    {
        w.Flush();
        var position = w.BaseStream.Position;
        for (var i = position; i < Align(position); i++)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, object value)
    {
        switch (value)
        {
            case string s:
                WriteString(w, s);
                break;
            case uint u:
                w.Write(u);
                break;
            case int i:
                w.Write(i);
                break;
            case float f:
                w.Write(f);
                break;
            case bool b:
                w.Write((byte)(b ? 1 : 0));
                break;
            case string[] strings:
                w.Write((uint)GgufValueType.String);
                w.Write((ulong)strings.Length);
                foreach (var s in strings)
                {
                    WriteString(w, s);
                }

                break;
            case int[] ints:
                w.Write((uint)GgufValueType.Int32);
                w.Write((ulong)ints.Length);
                foreach (var i in ints)
                {
                    w.Write(i);
                }

                break;
            case float[] floats:
                w.Write((uint)GgufValueType.Float32);
                w.Write((ulong)floats.Length);
                foreach (var f in floats)
                {
                    w.Write(f);
                }

                break;
            default:
                throw new ArgumentException($"Unsupported GGUF metadata value {value.GetType()}", nameof(value));
        }
    }

    private sealed record PendingTensor(string Name, long[] Dimensions, Action<long, Span<float>> Fill)
    {
        public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);
    }
}
