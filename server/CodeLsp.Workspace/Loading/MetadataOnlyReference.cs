using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace CodeLsp.Workspace.Loading;

/// <summary>
/// A referenced assembly's metadata read alone: the compiler needs the metadata tables of a reference, never its IL,
/// resources or PE headers, while Roslyn's own references keep a copy of the whole file (so that it is not locked).
/// Here only the metadata block is copied (into the pinned object heap; the file is closed at once and nothing is
/// mapped, so a rebuilt file cannot fault the server), and goes when the metadata is collected.
/// </summary>
internal static class MetadataOnlyReference
{
    /// <summary>Each module's metadata bytes (pinned: Roslyn reads them through a pointer), alive as long as the module is.</summary>
    private static readonly ConditionalWeakTable<ModuleMetadata, byte[]> Blocks = new();

    /// <summary>The assembly's metadata, or null when the file cannot be read this way (the caller keeps Roslyn's reference then).</summary>
    public static AssemblyMetadata? TryRead(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var headers = new PEHeaders(stream);
            if (headers.MetadataSize <= 0) return null;
            var bytes = GC.AllocateUninitializedArray<byte>(headers.MetadataSize, pinned: true);
            stream.Position = headers.MetadataStartOffset;
            stream.ReadExactly(bytes);
            var module = ModuleMetadata.CreateFromMetadata(Marshal.UnsafeAddrOfPinnedArrayElement(bytes, 0), bytes.Length);
            if (!module.GetModuleNames().IsEmpty) return null; // a multi-module assembly: Roslyn's reference reads its other files
            Blocks.Add(module, bytes);
            return AssemblyMetadata.Create(module);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
