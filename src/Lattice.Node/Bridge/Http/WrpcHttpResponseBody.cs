// The body of a component's answer as the wRPC transport sends it (`Rc.results.0.0`), and the
// trailers that follow it (`Rc.results.0.1`). The transport reads this stream straight into its
// max_payload-sized messages as the component writes, so no more than one message and the exchange's
// small body buffer are ever held. Its end decides the trailers: the ones the component finished the
// body with (none when it gave none), or a failure when the body broke off. Disposing it (the
// transport does when the body is sent, or when the call is cut short) ends the exchange, which
// releases the instance.
using Lattice.Actors;
using Lattice.Wasi.Http;
using Lattice.Node.Bridge.Wrpc;

namespace Lattice.Node.Bridge.Http;

internal sealed class WrpcHttpResponseBody(HttpAnswer answer) : AsyncReadStream
{
    private readonly TaskCompletionSource<IReadOnlyList<HttpField>?> _trailers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The trailers, once the body has been read to its end; faults if it broke off or was not sent.</summary>
    public Task<IReadOnlyList<HttpField>?> Trailers => _trailers.Task;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try { n = await answer.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (Exception e)
        {
            _trailers.TrySetException(new IOException($"the response body broke off: {e.Message}", e));
            throw;
        }
        if (n == 0 && !buffer.IsEmpty) _trailers.TrySetResult((answer.Body as HttpBodyReader)?.Trailers);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _trailers.TrySetException(new IOException("the response body was not sent to its end"));
            answer.Dispose();
        }
        base.Dispose(disposing);
    }
}
