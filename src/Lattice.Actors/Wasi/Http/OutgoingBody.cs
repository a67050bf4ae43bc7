// A body the guest writes (`outgoing-body`): its response to a server, or the body of its own
// outgoing request. The guest's output-stream writes into the body's BodyPipe; the .NET side (the
// server, an IOutgoingHttp) reads it through an HttpBodyReader.
//
// The WIT's rules: `write` hands out the stream once; `finish` ends the body (with trailers) and
// fails if a content-length header promised another size; dropping the body without `finish` means
// the body is corrupt, and the reader sees an error instead of a short body. Writing past the
// promised content-length fails the stream at once.
namespace Lattice.Wasi.Http;

internal sealed class OutgoingBody(long? contentLength, bool isResponse) : IDisposable
{
    private long _written;
    private bool _streamTaken;
    private bool _finished;

    public BodyPipe Pipe { get; } = new();

    /// <summary><c>outgoing-body.write</c>: the stream, the first time only.</summary>
    public OutputStream? TakeStream()
    {
        if (_streamTaken) return null;
        _streamTaken = true;
        return new BodyOutputStream(this);
    }

    /// <summary>How many bytes the guest may write now.</summary>
    public long CheckWrite()
    {
        if (_finished) throw StreamException.Closed();
        if (Pipe.Failure is { } failure) throw BodyInputStream.Failed(failure);
        var space = Pipe.Space;
        if (space < 0) throw StreamException.Closed(); // nobody reads this body any more
        return space;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var permitted = CheckWrite();
        if (bytes.Length > permitted)
            throw StreamException.Failed($"a write of {bytes.Length} bytes exceeds the {permitted} that check-write permitted");
        if (contentLength is { } max && _written + bytes.Length > max)
        {
            var code = SizeError(_written + bytes.Length);
            var message = $"the body is longer than its content-length ({max} bytes)";
            Pipe.Fail(message, code);
            throw StreamException.Failed(new IoError(message, code));
        }
        Pipe.Write(bytes);
        _written += bytes.Length;
    }

    /// <summary><c>outgoing-body.finish</c>: null when the body ended well, else the error the guest gets.</summary>
    public HttpErrorCode? Finish(IReadOnlyList<HttpField>? trailers)
    {
        _finished = true;
        if (Pipe.Failure is { } failure) return failure.Code ?? HttpErrorCode.InternalError(failure.Message);
        if (contentLength is { } expected && expected != _written)
        {
            var code = SizeError(_written);
            Pipe.Fail($"the body has {_written} bytes but its content-length says {expected}", code);
            return code;
        }
        Pipe.Complete(trailers);
        return null;
    }

    /// <summary>Dropped without finish: the body is corrupt.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        Pipe.Fail("the component dropped the body without finishing it");
    }

    private HttpErrorCode SizeError(long size) =>
        isResponse ? HttpErrorCode.ResponseBodySize((ulong)size) : HttpErrorCode.RequestBodySize((ulong)size);
}

/// <summary>The guest's output-stream over an outgoing body. Dropping it does not end the body; finish does.</summary>
internal sealed class BodyOutputStream(OutgoingBody body) : OutputStream
{
    public override long CheckWrite() => body.CheckWrite();

    public override void Write(ReadOnlySpan<byte> bytes) => body.Write(bytes);

    public override Pollable Subscribe() => new BodyPollable(body.Pipe, forWriting: true);
}
