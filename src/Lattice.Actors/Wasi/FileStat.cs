// What `stat` says about a file, in WASI's terms.
using System.Security.Cryptography;

namespace Lattice.Wasi;

/// <summary><c>wasi:filesystem/types.descriptor-type</c>, in WIT order.</summary>
public enum DescriptorType
{
    Unknown, BlockDevice, CharacterDevice, Directory, Fifo, SymbolicLink, RegularFile, Socket,
}

/// <summary>Seconds and nanoseconds since the Unix epoch, as the OS reports them.</summary>
public readonly record struct FileTimestamp(long Seconds, uint Nanoseconds);

/// <summary>A file's metadata. Device and inode identify the object (for is-same-object and metadata-hash).</summary>
public readonly record struct FileStat(
    DescriptorType Type,
    ulong LinkCount,
    ulong Size,
    FileTimestamp Accessed,
    FileTimestamp Modified,
    FileTimestamp StatusChanged,
    ulong Device,
    ulong Inode)
{
    /// <summary>Same device and inode: the same file, whatever the paths.</summary>
    public bool IsSameObject(FileStat other) => Device == other.Device && Inode == other.Inode;

    /// <summary>
    /// For metadata-hash: equal for the same unchanged object, different (almost surely) otherwise.
    /// Hashed so the guest learns nothing about host inode numbers.
    /// </summary>
    public (ulong Lower, ulong Upper) MetadataHash()
    {
        Span<byte> input = stackalloc byte[48];
        BitConverter.TryWriteBytes(input[0..], Device);
        BitConverter.TryWriteBytes(input[8..], Inode);
        BitConverter.TryWriteBytes(input[16..], Size);
        BitConverter.TryWriteBytes(input[24..], Modified.Seconds);
        BitConverter.TryWriteBytes(input[32..], Modified.Nanoseconds);
        BitConverter.TryWriteBytes(input[40..], StatusChanged.Seconds);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return (BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
