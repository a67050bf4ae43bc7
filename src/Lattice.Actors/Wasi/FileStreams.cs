// Streams over an open file, for descriptor.read-via-stream / write-via-stream / append-via-stream.
//
// WASI lets a guest drop a descriptor and keep reading from a stream it opened, so the OS handle is
// shared and reference-counted: the descriptor and each stream hold a reference, and the handle
// closes when the last one is dropped. Files are always "ready": reads and writes happen at once.
using Microsoft.Win32.SafeHandles;

namespace Lattice.Wasi;

/// <summary>An OS file handle shared by a descriptor and its streams; closed when the last user releases it.</summary>
internal sealed class SharedFile(SafeFileHandle handle)
{
    private int _refs = 1;

    public SafeFileHandle Handle { get; } = handle;

    public SharedFile AddRef()
    {
        Interlocked.Increment(ref _refs);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0) Handle.Dispose();
    }
}

internal sealed class FileInputStream(SharedFile file, long offset) : InputStream
{
    private long _offset = offset;
    private bool _disposed;

    public override ReadOnlyMemory<byte> Read(int maxBytes)
    {
        if (maxBytes == 0) return ReadOnlyMemory<byte>.Empty;
        int n;
        byte[] buffer;
        try
        {
            // Sized by what is left, so a guest asking for megabytes of a small file costs a small buffer.
            var left = RandomAccess.GetLength(file.Handle) - _offset;
            if (left <= 0) throw StreamException.Closed();
            buffer = new byte[(int)Math.Min(maxBytes, left)];
            n = RandomAccess.Read(file.Handle, buffer, _offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StreamException.Failed(e.Message, FilesystemErrors.FromException(e));
        }
        if (n == 0) throw StreamException.Closed(); // end of file
        _offset += n;
        return buffer.AsMemory(0, n);
    }

    public override long Skip(long maxBytes)
    {
        var length = RandomAccess.GetLength(file.Handle);
        if (_offset >= length) throw StreamException.Closed();
        var n = Math.Min(maxBytes, length - _offset);
        _offset += n;
        return n;
    }

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        file.Release();
        base.Dispose();
    }
}

/// <summary>Writes at a moving offset, or (append) always at the current end of the file.</summary>
internal sealed class FileOutputStream(SharedFile file, long offset, bool append) : OutputStream
{
    private long _offset = offset;
    private bool _disposed;

    public override long CheckWrite() => WasiStreams.MaxChunk;

    public override void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (append) _offset = RandomAccess.GetLength(file.Handle);
            RandomAccess.Write(file.Handle, bytes, _offset);
            _offset += bytes.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StreamException.Failed(e.Message, FilesystemErrors.FromException(e));
        }
    }

    public override void Flush() { } // RandomAccess writes straight to the OS: nothing is buffered here

    public override void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        file.Release();
        base.Dispose();
    }
}
