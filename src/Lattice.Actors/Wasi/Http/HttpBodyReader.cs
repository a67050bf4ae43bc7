// The .NET end of a body a guest writes: the response body a server sends on, or the request body
// an IOutgoingHttp sends upstream. A read-only Stream, so it plugs into CopyToAsync, StreamContent
// and friends; reads wait for the guest's writes (without blocking the guest, which runs on its own
// thread), and the bytes never pile up beyond the body's small buffer.
namespace Lattice.Wasi.Http;

/// <summary>
/// A body as the guest writes it. <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> returns 0
/// at the end; if the body ends badly (the guest trapped, dropped the body without finishing it, wrote
/// more than its content-length...) reads throw <see cref="HttpBodyException"/>. After the end,
/// <see cref="Trailers"/> holds the trailers the guest finished the body with, if any. Disposing it
/// before the end tells the guest nobody reads any more (its next write fails as closed).
/// </summary>
public sealed class HttpBodyReader : Stream
{
    private readonly BodyPipe _pipe;

    internal HttpBodyReader(BodyPipe pipe) => _pipe = pipe;

    /// <summary>The trailers, once a read has returned 0; null when the guest sent none.</summary>
    public IReadOnlyList<HttpField>? Trailers => _pipe.Trailers;

    /// <summary>The most bytes of this body that were ever buffered at once.</summary>
    public long PeakBuffered => _pipe.PeakBuffered;

    /// <summary>Waits until the guest wrote something or ended the body; true when it ended without a byte.</summary>
    internal async Task<bool> EndsEmptyAsync(CancellationToken cancel)
    {
        await _pipe.WaitReadableAsync(cancel).ConfigureAwait(false);
        return _pipe.EndedEmpty;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _pipe.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _pipe.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var tmp = new byte[buffer.Length];
        var n = _pipe.ReadAsync(tmp, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        tmp.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _pipe.CloseReader();
        base.Dispose(disposing);
    }
}

/// <summary>A body ended badly. <see cref="Code"/> is the wasi:http error code when there is one.</summary>
public sealed class HttpBodyException(string message, HttpErrorCode? code = null) : IOException(message)
{
    public HttpErrorCode? Code { get; } = code;
}
