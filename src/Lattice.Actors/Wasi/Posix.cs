// The few libc calls .NET has no exact equivalent for.
//
// WASI's filesystem is POSIX's, and the guest's libc expects POSIX answers: `mkdir` on an existing
// directory is EEXIST (Directory.CreateDirectory succeeds), `rmdir` never recurses, `rename` replaces
// an empty directory, hard links and inode numbers exist (.NET has neither). Calling libc directly
// gives those semantics and the exact errno. Linux only, like the rest of the host; statx is used
// because its struct layout is the same on every architecture.
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Lattice.Wasi;

internal static unsafe partial class Posix
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    public static void MakeDirectory(string path) => Check(mkdir(path, 0x1ff)); // 0777, narrowed by the umask
    public static void RemoveDirectory(string path) => Check(rmdir(path));
    public static void Unlink(string path) => Check(unlink(path));
    public static void Rename(string from, string to) => Check(rename(from, to));
    public static void HardLink(string existing, string newPath) => Check(link(existing, newPath));
    public static void SymbolicLink(string target, string linkPath) => Check(symlink(target, linkPath));

    /// <summary>utimensat: sets a path's access and modification times (of a link itself unless <paramref name="follow"/>).</summary>
    public static void SetTimes(string path, Timespec access, Timespec modify, bool follow)
    {
        var times = stackalloc Timespec[2] { access, modify };
        Check(utimensat(AtFdCwd, path, times, follow ? 0 : AtSymlinkNoFollow));
    }

    /// <summary>futimens: sets an open file's access and modification times.</summary>
    public static void SetTimes(SafeHandle handle, Timespec access, Timespec modify)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var times = stackalloc Timespec[2] { access, modify };
            Check(futimens((int)handle.DangerousGetHandle(), times));
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>stat (or lstat when <paramref name="follow"/> is false) of a path.</summary>
    public static FileStat Stat(string path, bool follow)
    {
        var buf = stackalloc byte[256];
        Check(statx(AtFdCwd, path, follow ? 0 : AtSymlinkNoFollow, StatxBasicStats, buf));
        return Parse(new ReadOnlySpan<byte>(buf, 256));
    }

    /// <summary>fstat of an open file.</summary>
    public static FileStat Stat(SafeHandle handle)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buf = stackalloc byte[256];
            Check(statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxBasicStats, buf));
            return Parse(new ReadOnlySpan<byte>(buf, 256));
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    // struct statx (linux/stat.h): fixed offsets on every architecture.
    private static FileStat Parse(ReadOnlySpan<byte> b)
    {
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(b[28..]);
        return new FileStat(
            TypeOf(mode),
            BinaryPrimitives.ReadUInt32LittleEndian(b[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
            Time(b[64..]),
            Time(b[112..]),
            Time(b[96..]),
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(b[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(b[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[32..]));
    }

    private static FileTimestamp Time(ReadOnlySpan<byte> b) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(b), BinaryPrimitives.ReadUInt32LittleEndian(b[8..]));

    private static DescriptorType TypeOf(ushort mode) => (mode & 0xf000) switch
    {
        0x1000 => DescriptorType.Fifo,
        0x2000 => DescriptorType.CharacterDevice,
        0x4000 => DescriptorType.Directory,
        0x6000 => DescriptorType.BlockDevice,
        0x8000 => DescriptorType.RegularFile,
        0xa000 => DescriptorType.SymbolicLink,
        0xc000 => DescriptorType.Socket,
        _ => DescriptorType.Unknown,
    };

    private static void Check(int rc)
    {
        if (rc != 0) throw new FilesystemException(FilesystemErrors.FromErrno(Marshal.GetLastPInvokeError()));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkdir(string path, uint mode);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string from, string to);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string newPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int symlink(string target, string linkPath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int utimensat(int dirfd, string path, Timespec* times, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int futimens(int fd, Timespec* times);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}

/// <summary>struct timespec (64-bit Linux), with the two special values utimensat understands.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Timespec(long Seconds, long Nanoseconds)
{
    public static readonly Timespec Now = new(0, (1 << 30) - 1);   // UTIME_NOW
    public static readonly Timespec Omit = new(0, (1 << 30) - 2);  // UTIME_OMIT
}
