// The host side of `wasi:io/streams.output-stream`.
//
// WASI's output protocol is "ask how much you may write (check-write), write at most that, flush,
// and subscribe to learn when you may continue". An implementation provides those steps without
// blocking; the blocking conveniences (blocking-write-and-flush, blocking-splice...) are built on
// them in WasiStreams, bounded by the store's deadline. Like InputStream, any host interface may
// hand an OutputStream to the guest through WasiStreams.OutputStreamType.
namespace Lattice.Wasi;

public abstract class OutputStream : IDisposable
{
    /// <summary>
    /// How many bytes <see cref="Write"/> accepts now; 0 means "wait on <see cref="Subscribe"/>".
    /// Throws <see cref="StreamException"/> when the stream is closed or failed.
    /// </summary>
    public abstract long CheckWrite();

    /// <summary>Writes (or buffers) <paramref name="bytes"/>. Throws <see cref="StreamException"/> on failure.</summary>
    public abstract void Write(ReadOnlySpan<byte> bytes);

    /// <summary>Starts flushing what was written; <see cref="Subscribe"/> is ready when it is done.</summary>
    public virtual void Flush() { }

    /// <summary>Ready when <see cref="CheckWrite"/> is non-zero and no flush is pending. Synchronous streams are always ready.</summary>
    public virtual Pollable Subscribe() => new ReadyPollable();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>Writes through to a <see cref="IWasiOutput"/>: the guest's stdout and stderr.</summary>
public sealed class WasiOutputStream(IWasiOutput output) : OutputStream
{
    // Large enough that guests rarely loop, small enough that one write cannot balloon a buffer.
    private const long Permit = 1024 * 1024;

    public override long CheckWrite() => Permit;

    public override void Write(ReadOnlySpan<byte> bytes)
    {
        try { output.Write(bytes); }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            throw StreamException.Failed("output failed: " + e.Message);
        }
    }
}

/// <summary>Accepts and discards everything.</summary>
public sealed class NullOutputStream : OutputStream
{
    public override long CheckWrite() => 1024 * 1024;

    public override void Write(ReadOnlySpan<byte> bytes) { }
}
