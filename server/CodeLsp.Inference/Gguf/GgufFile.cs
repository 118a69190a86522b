using System.Text;

namespace CodeLsp.Inference.Gguf;

/// <summary>One tensor's entry in the GGUF header. <see cref="Dimensions"/> are listed fastest-varying first.</summary>
internal sealed record GgufTensorInfo(string Name, long[] Dimensions, uint Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The parsed header of a GGUF file: metadata and tensor directory, not the tensor data.
/// Owns the validation that must happen before a file reaches llama.cpp: every count and length read from the
/// file is checked against the bytes that remain, so a hostile or damaged header cannot cause giant allocations,
/// and the tensor directory is checked against the file size to spot incomplete downloads.
/// </summary>
internal sealed class GgufFile
{
    public const uint Magic = 0x46554747; // "GGUF" read as little-endian u32
    public const uint DefaultAlignment = 32;

    // GGML_MAX_DIMS in ggml.
    private const int MaxDimensions = 4;

    private GgufFile(string path, uint version, long fileSize, IReadOnlyDictionary<string, object> metadata,
        IReadOnlyList<GgufTensorInfo> tensors, long dataOffset, uint alignment)
    {
        Path = path;
        Version = version;
        FileSize = fileSize;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
        Alignment = alignment;
    }

    public string Path { get; }
    public uint Version { get; }
    public long FileSize { get; }

    /// <summary>Values are string, bool, the .NET numeric types, or typed arrays (string[], int[], …; object[] for nested arrays).</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Absolute file offset where tensor data starts.</summary>
    public long DataOffset { get; }
    public uint Alignment { get; }

    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v as string : null;

    /// <summary>An integer value of any integer type, or null.</summary>
    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var v) ? AsInteger(v) : null;

    public static long? AsInteger(object value) => value switch
    {
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        short s => s,
        uint ui => ui,
        int i => i,
        ulong ul => ul <= long.MaxValue ? (long)ul : null,
        long l => l,
        _ => null,
    };

    /// <summary>Reads and validates the header of <paramref name="path"/>; throws <see cref="ModelLoadException"/> with a clear reason.</summary>
    public static GgufFile Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ModelLoadException(path, $"'{path}' is a directory, not a model file. Point the model setting at a .gguf file.");
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, $"Model file not found: '{path}'. Check the model path setting.");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"Cannot open model file '{path}': {e.Message}", e);
        }

        using (stream)
        {
            var fileSize = stream.Length;
            if (fileSize == 0)
            {
                throw new ModelLoadException(path, $"Model file '{path}' is empty (0 bytes). The download probably failed; download it again.");
            }

            var reader = new HeaderReader(stream, path);
            try
            {
                return Parse(reader, path, fileSize);
            }
            catch (EndOfStreamException e)
            {
                throw Truncated(path, fileSize, e);
            }
        }
    }

    private static GgufFile Parse(HeaderReader reader, string path, long fileSize)
    {
        var head = reader.PeekStart(8);
        if (head.Length < 4 || BitConverter.ToUInt32(head, 0) != Magic)
        {
            throw new ModelLoadException(path, $"'{path}' is not a GGUF file (starts with {DescribeStart(head)}). {HintForForeignFile(head)}");
        }

        reader.UInt32();
        var version = reader.UInt32();
        if (version is not (2 or 3))
        {
            var hint = (version & 0xFFFF) == 0 && version != 0
                ? "It looks like a big-endian GGUF file, which llama.cpp on this machine cannot read; download the little-endian file."
                : version == 1
                    ? "Version 1 is obsolete; download a file converted with a current llama.cpp."
                    : "It may come from a newer tool than this llama.cpp build; download a file converted for llama.cpp of 2024–2025 or update CodeLsp.";
            throw new ModelLoadException(path, $"'{path}' uses GGUF version {version}, which is not supported (supported: 2 and 3). {hint}");
        }

        var tensorCount = reader.UInt64();
        var kvCount = reader.UInt64();

        // Smallest possible entries: a key/value pair takes at least 8+4+1 bytes, a tensor entry 8+4+8+4+8.
        CheckCount(path, fileSize, kvCount, reader.Remaining / 13, "metadata entries");
        CheckCount(path, fileSize, tensorCount, reader.Remaining / 32, "tensors");

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = reader.String();
            var type = (GgufValueType)reader.UInt32();
            metadata[key] = reader.Value(type, depth: 0);
        }

        var alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out var alignValue))
        {
            var a = AsInteger(alignValue);
            if (a is null or <= 0 or > 1 << 20 || (a.Value & (a.Value - 1)) != 0)
            {
                throw Damaged(path, $"its general.alignment value ({alignValue}) is not a power of two");
            }

            alignment = (uint)a.Value;
        }

        var tensors = new List<GgufTensorInfo>((int)tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = reader.String();
            var dimCount = reader.UInt32();
            if (dimCount is 0 or > MaxDimensions)
            {
                throw Damaged(path, $"tensor '{name}' claims {dimCount} dimensions (at most {MaxDimensions} are allowed)");
            }

            var dims = new long[dimCount];
            long elements = 1;
            for (var d = 0; d < dimCount; d++)
            {
                var dim = reader.UInt64();
                // No tensor in a file can have more elements than the file has bits; this also rules out overflow.
                if (dim == 0 || dim > (ulong)fileSize * 8 || elements > fileSize * 8 / (long)dim)
                {
                    throw Damaged(path, $"tensor '{name}' has an impossible shape");
                }

                dims[d] = (long)dim;
                elements *= (long)dim;
            }

            var type = reader.UInt32();
            var offset = reader.UInt64();
            if (offset > (ulong)long.MaxValue || offset % alignment != 0)
            {
                throw Damaged(path, $"tensor '{name}' has an invalid data offset ({offset})");
            }

            if (!names.Add(name))
            {
                throw Damaged(path, $"tensor '{name}' is listed twice");
            }

            tensors.Add(new GgufTensorInfo(name, dims, type, (long)offset));
        }

        var dataOffset = (reader.Position + alignment - 1) / alignment * alignment;

        // Data alignment padding only exists when there is data.
        var expectedSize = tensors.Count == 0 ? reader.Position : dataOffset;
        foreach (var tensor in tensors)
        {
            var bytes = GgmlType.ByteSize(tensor.Type, tensor.ElementCount) ?? 1;
            expectedSize = Math.Max(expectedSize, dataOffset + tensor.Offset + bytes);
        }

        if (expectedSize > fileSize)
        {
            throw new ModelLoadException(path,
                $"'{path}' is truncated: expected {expectedSize:N0} bytes, found {fileSize:N0} — the download may be incomplete. Download it again.");
        }

        return new GgufFile(path, version, fileSize, metadata, tensors, dataOffset, alignment);
    }

    // More entries than any real model has (models have hundreds of keys and at most tens of thousands of tensors).
    private const ulong SaneCountLimit = 1 << 20;

    private static void CheckCount(string path, long fileSize, ulong count, long possible, string what)
    {
        if (count > SaneCountLimit)
        {
            throw Damaged(path, $"it claims {count:N0} {what}, more than a {fileSize:N0}-byte file can hold");
        }

        if (count > (ulong)Math.Max(possible, 0))
        {
            throw Truncated(path, fileSize);
        }
    }

    private static ModelLoadException Truncated(string path, long fileSize, Exception? inner = null) =>
        new(path, $"'{path}' is truncated: its GGUF header is cut off after {fileSize:N0} bytes. The download may be incomplete; download it again.", inner);

    internal static ModelLoadException Damaged(string path, string reason) =>
        new(path, $"'{path}' has a damaged GGUF header: {reason}. The file is corrupt or incomplete; download it again.");

    private static string DescribeStart(byte[] head)
    {
        var shown = head.Take(4).ToArray();
        var printable = shown.All(b => b is >= 0x20 and < 0x7F);
        var hex = string.Join(' ', shown.Select(b => b.ToString("X2")));
        return printable ? $"\"{Encoding.ASCII.GetString(shown)}\", bytes {hex}" : $"bytes {hex}";
    }

    private static string HintForForeignFile(byte[] head)
    {
        var text = Encoding.ASCII.GetString(head).TrimStart();
        if (text.StartsWith('<'))
        {
            return "It looks like an HTML or XML page — the download probably saved an error page instead of the model.";
        }

        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K')
        {
            return "It looks like a zip archive (e.g. a PyTorch checkpoint); CodeLsp needs the model converted to GGUF.";
        }

        if (text.StartsWith("version ", StringComparison.Ordinal))
        {
            return "It is a Git LFS pointer, not the model itself; download the real file.";
        }

        if (head.Length >= 8 && head[7] == 0 && head[6] == 0)
        {
            return "It may be a safetensors file; CodeLsp needs the model converted to GGUF (look for a '-GGUF' repository).";
        }

        return "CodeLsp needs a GGUF model file (look for a '-GGUF' repository of a code model).";
    }

    /// <summary>Little-endian reader that refuses lengths larger than the bytes left in the file.</summary>
    private sealed class HeaderReader(FileStream stream, string path)
    {
        private const int MaxArrayDepth = 4;
        private readonly BinaryReader _reader = new(stream, Encoding.UTF8, leaveOpen: true);

        public long Position => stream.Position;
        public long Remaining => stream.Length - stream.Position;

        public byte[] PeekStart(int count)
        {
            var bytes = _reader.ReadBytes(count);
            stream.Position = 0;
            return bytes;
        }

        public uint UInt32() => _reader.ReadUInt32();
        public ulong UInt64() => _reader.ReadUInt64();

        public string String()
        {
            var length = _reader.ReadUInt64();
            if (length > (ulong)Remaining)
            {
                if (length > 1 << 30)
                {
                    throw Damaged(path, $"a string claims {length:N0} bytes, more than the file holds");
                }

                throw new EndOfStreamException();
            }

            return Encoding.UTF8.GetString(_reader.ReadBytes((int)length));
        }

        public object Value(GgufValueType type, int depth) => type switch
        {
            GgufValueType.UInt8 => _reader.ReadByte(),
            GgufValueType.Int8 => _reader.ReadSByte(),
            GgufValueType.UInt16 => _reader.ReadUInt16(),
            GgufValueType.Int16 => _reader.ReadInt16(),
            GgufValueType.UInt32 => _reader.ReadUInt32(),
            GgufValueType.Int32 => _reader.ReadInt32(),
            GgufValueType.Float32 => _reader.ReadSingle(),
            GgufValueType.Bool => _reader.ReadByte() != 0,
            GgufValueType.String => String(),
            GgufValueType.UInt64 => _reader.ReadUInt64(),
            GgufValueType.Int64 => _reader.ReadInt64(),
            GgufValueType.Float64 => _reader.ReadDouble(),
            GgufValueType.Array => Array(depth),
            _ => throw Damaged(path, $"a metadata value has unknown type {(uint)type}"),
        };

        private object Array(int depth)
        {
            if (depth >= MaxArrayDepth)
            {
                throw Damaged(path, "metadata arrays are nested too deeply");
            }

            var elementType = (GgufValueType)_reader.ReadUInt32();
            var count = _reader.ReadUInt64();
            var minElementSize = elementType switch
            {
                GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
                GgufValueType.UInt16 or GgufValueType.Int16 => 2,
                GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
                GgufValueType.String or GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
                GgufValueType.Array => 12,
                _ => throw Damaged(path, $"a metadata array has unknown element type {(uint)elementType}"),
            };
            if (count > (ulong)(Remaining / minElementSize))
            {
                throw Damaged(path, $"a metadata array claims {count:N0} elements, more than the file holds");
            }

            var n = (int)count;
            return elementType switch
            {
                GgufValueType.UInt8 => Fill(n, _reader.ReadByte),
                GgufValueType.Int8 => Fill(n, _reader.ReadSByte),
                GgufValueType.UInt16 => Fill(n, _reader.ReadUInt16),
                GgufValueType.Int16 => Fill(n, _reader.ReadInt16),
                GgufValueType.UInt32 => Fill(n, _reader.ReadUInt32),
                GgufValueType.Int32 => Fill(n, _reader.ReadInt32),
                GgufValueType.Float32 => Fill(n, _reader.ReadSingle),
                GgufValueType.Bool => Fill(n, () => _reader.ReadByte() != 0),
                GgufValueType.String => Fill(n, String),
                GgufValueType.UInt64 => Fill(n, _reader.ReadUInt64),
                GgufValueType.Int64 => Fill(n, _reader.ReadInt64),
                GgufValueType.Float64 => Fill(n, _reader.ReadDouble),
                _ => Fill(n, () => Value(GgufValueType.Array, depth + 1)),
            };
        }

        private static T[] Fill<T>(int count, Func<T> read)
        {
            var values = new T[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = read();
            }

            return values;
        }
    }
}
