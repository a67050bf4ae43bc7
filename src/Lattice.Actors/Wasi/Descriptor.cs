// The objects behind `wasi:filesystem/types.descriptor` handles: an open file or a directory.
//
// A file descriptor owns an OS handle (shared with its streams). A directory descriptor is only a
// real host path inside a sandbox: every path operation re-resolves through Sandbox, so the
// confinement rules live in one place. Permissions follow wasmtime: the grant (read-only or not)
// decides what may change, for every descriptor under it; a file's own read/write flags decide
// which data operations it accepts.
using Microsoft.Win32.SafeHandles;

namespace Lattice.Wasi;

/// <summary><c>wasi:filesystem/types.descriptor-flags</c>, bit i = the i-th WIT flag.</summary>
[Flags]
public enum DescriptorFlags
{
    None = 0,
    Read = 1,
    Write = 2,
    FileIntegritySync = 4,
    DataIntegritySync = 8,
    RequestedWriteSync = 16,
    MutateDirectory = 32,
}

internal abstract class Descriptor(Sandbox sandbox, string hostPath, DescriptorFlags flags) : IDisposable
{
    public Sandbox Sandbox { get; } = sandbox;

    /// <summary>Where the object was when opened (for a directory: its real path, the base of its paths).</summary>
    public string HostPath { get; } = hostPath;

    public DescriptorFlags Flags { get; } = flags;

    public abstract FileStat Stat();

    public abstract void SetTimes(Timespec access, Timespec modify);

    public abstract void Sync();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

internal sealed class FileDescriptor : Descriptor
{
    private readonly SharedFile _file;
    private bool _disposed;

    public FileDescriptor(Sandbox sandbox, string hostPath, DescriptorFlags flags, SafeFileHandle handle)
        : base(sandbox, hostPath, flags) => _file = new SharedFile(handle);

    private SafeFileHandle Handle => _file.Handle;

    public override FileStat Stat() => Posix.Stat(Handle);

    public override void SetTimes(Timespec access, Timespec modify)
    {
        Sandbox.RequireWritable();
        Posix.SetTimes(Handle, access, modify);
    }

    public override void Sync() => RandomAccess.FlushToDisk(Handle);

    /// <summary>Reads at <paramref name="offset"/>; the flag says the end of the file was reached.</summary>
    public (byte[] Data, bool End) Read(ulong length, ulong offset)
    {
        RequireFlag(DescriptorFlags.Read);
        var at = Offset(offset);
        var left = RandomAccess.GetLength(Handle) - at;
        var len = (int)Math.Min(Math.Min(length, WasiStreams.MaxChunk), (ulong)Math.Max(0, left));
        if (len == 0) return ([], length > 0);
        var buffer = new byte[len];
        var n = RandomAccess.Read(Handle, buffer, at);
        return (n == len ? buffer : buffer[..n], n == 0);
    }

    public ulong Write(ReadOnlySpan<byte> data, ulong offset)
    {
        RequireFlag(DescriptorFlags.Write);
        RandomAccess.Write(Handle, data, Offset(offset));
        return (ulong)data.Length;
    }

    public void SetSize(ulong size)
    {
        RequireFlag(DescriptorFlags.Write);
        RandomAccess.SetLength(Handle, Offset(size));
    }

    public InputStream ReadStream(ulong offset)
    {
        RequireFlag(DescriptorFlags.Read);
        return new FileInputStream(_file.AddRef(), Offset(offset));
    }

    public OutputStream WriteStream(ulong offset, bool append)
    {
        RequireFlag(DescriptorFlags.Write);
        return new FileOutputStream(_file.AddRef(), Offset(offset), append);
    }

    private void RequireFlag(DescriptorFlags flag)
    {
        if ((Flags & flag) != 0) return;
        if (flag == DescriptorFlags.Write && Sandbox.ReadOnly) Sandbox.RequireWritable();
        throw new FilesystemException(FilesystemErrorCode.BadDescriptor, $"the file was not opened for {flag.ToString().ToLowerInvariant()}");
    }

    private static long Offset(ulong offset) =>
        offset <= long.MaxValue ? (long)offset : throw new FilesystemException(FilesystemErrorCode.Invalid, "offset too large");

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _file.Release();
        base.Dispose();
    }
}

/// <summary>The entries of a directory, listed when the guest asked for them.</summary>
internal sealed class DirectoryEntryStream(IReadOnlyList<(string Name, DescriptorType Type)> entries)
{
    private int _next;

    public (string Name, DescriptorType Type)? Next() => _next < entries.Count ? entries[_next++] : null;
}
