// A guest's outgoing request body as the wRPC transport sends it (`Rs.params.0.0`): the transport
// reads this stream into max_payload-sized messages as the guest writes, so no more than one message
// and the body's small buffer are held. Its end decides the request trailers (`Rs.params.0.1`): the
// ones the guest finished the body with, or none; a body that broke off (the guest trapped or dropped
// it unfinished) fails them, and the transport ends both paths early, which is how a wRPC peer learns
// that a producer failed.
using Lattice.Wasi.Http;
using Lattice.Node.Bridge.Wrpc;

namespace Lattice.Node.Bridge.Http;

internal sealed class WrpcRequestBody(HttpBodyReader body) : AsyncReadStream
{
    private readonly TaskCompletionSource<IReadOnlyList<HttpField>?> _trailers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The guest's trailers, once the body was read to its end; faults if it broke off or was not sent.</summary>
    public Task<IReadOnlyList<HttpField>?> Trailers => _trailers.Task;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try { n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (Exception e)
        {
            _trailers.TrySetException(new IOException($"the request body broke off: {e.Message}", e));
            throw;
        }
        if (n == 0 && !buffer.IsEmpty) _trailers.TrySetResult(body.Trailers);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _trailers.TrySetException(new IOException("the request body was not sent to its end"));
            // Before its end: the guest's next write fails as closed instead of waiting for a reader.
            body.Dispose();
        }
        base.Dispose(disposing);
    }
}
