// The host side of `wasi:io/streams.input-stream`.
//
// Streams are plain C# objects in the store's resource table, so any host interface can hand one
// to the guest (`call.Resources.Own(WasiStreams.InputStreamType, stream)`): stdin, file reads, and
// later wasi:http bodies all go through the same WIT methods. An implementation only provides a
// non-blocking Read and, if its data arrives asynchronously, a Subscribe that says when to read
// again; the blocking variants are built on those two in WasiStreams, with the store's deadline.
namespace Lattice.Wasi;

public abstract class InputStream : IDisposable
{
    /// <summary>
    /// Returns up to <paramref name="maxBytes"/> bytes that are available now; empty when none are yet.
    /// Throws <see cref="StreamException"/> at the end of the stream or on failure.
    /// </summary>
    public abstract ReadOnlyMemory<byte> Read(int maxBytes);

    /// <summary>Skips up to <paramref name="maxBytes"/> available bytes; returns how many. Reads and discards by default.</summary>
    public virtual long Skip(long maxBytes) => Read((int)Math.Min(maxBytes, WasiStreams.MaxChunk)).Length;

    /// <summary>Ready when Read would return data or throw. Synchronous streams are always ready.</summary>
    public virtual Pollable Subscribe() => new ReadyPollable();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A stream with nothing in it: the default stdin.</summary>
public sealed class EmptyInputStream : InputStream
{
    public override ReadOnlyMemory<byte> Read(int maxBytes) => throw StreamException.Closed();
}

/// <summary>Reads a fixed block of bytes, then reports closed.</summary>
public sealed class MemoryInputStream(ReadOnlyMemory<byte> data) : InputStream
{
    private ReadOnlyMemory<byte> _rest = data;

    public override ReadOnlyMemory<byte> Read(int maxBytes)
    {
        if (_rest.IsEmpty) throw StreamException.Closed();
        var n = Math.Min(maxBytes, _rest.Length);
        var chunk = _rest[..n];
        _rest = _rest[n..];
        return chunk;
    }
}
