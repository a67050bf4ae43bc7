// The body of the response an http-client provider sent over wRPC (`Rc.results.0.0`), read as it
// arrives, and its trailers (`Rc.results.0.1`). The host pumps this stream into the guest's
// incoming-body and asks for the trailers (synchronously) once it ended, so the end is reported only
// after the trailers arrived too. Each read's token (the host's between-bytes timer) stops the whole
// body: the transport's stream keeps the token of its first read, so reads cancel through one source
// of our own. A stream that breaks off is HTTP-response-incomplete. Disposing it releases the
// invocation (its subjects and whatever of the request body was still being sent).
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Http;

internal sealed class WrpcResponseBody : AsyncReadStream
{
    private readonly WrpcInvocation _invocation;
    private readonly WrpcFuture _trailersFuture;
    private readonly string _target;
    // Never disposed: it has no timer, and a late read or registration must still find it.
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<WitValue> _chunks;
    private ReadOnlyMemory<byte> _current;
    private IReadOnlyList<HttpField>? _trailers;
    private bool _ended;
    private int _disposed;

    public WrpcResponseBody(WrpcInvocation invocation, WrpcStream body, WrpcFuture trailers, string target)
    {
        _invocation = invocation;
        _trailersFuture = trailers;
        _target = target;
        _chunks = invocation.ReadStreamAsync(body, _stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>The provider's trailers (null for none); set when a read has returned 0.</summary>
    public IReadOnlyList<HttpField>? Trailers => _trailers;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        using var stop = cancellationToken.UnsafeRegister(s => ((CancellationTokenSource)s!).Cancel(), _stop);
        try
        {
            while (_current.IsEmpty)
            {
                if (_ended) return 0;
                if (await _chunks.MoveNextAsync().ConfigureAwait(false))
                {
                    _current = _chunks.Current.AsBytes();
                    continue;
                }
                var trailers = await _invocation.ReadFutureAsync(_trailersFuture, _stop.Token).ConfigureAwait(false);
                _trailers = trailers is WitOption { Value: { } fields } ? WrpcHttpValues.ToFields(fields) : null;
                _ended = true;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (WrpcTimeoutException e)
        {
            throw new HttpErrorCodeException(HttpErrorCode.ConnectionReadTimeout, $"the response body from '{_target}' stalled: {e.Message}");
        }
        catch (WrpcException e)
        {
            throw new HttpErrorCodeException(HttpErrorCode.ResponseIncomplete, $"the response body from '{_target}' broke off: {e.Message}");
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current.Span[..n].CopyTo(buffer.Span);
        _current = _current[n..];
        return n;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _chunks.DisposeAsync().ConfigureAwait(false); }
        catch (Exception) { /* a read was still waiting: the call is over either way */ }
        await _invocation.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    // The guest's thread drops an unread response: release in the background, never block it.
    protected override void Dispose(bool disposing)
    {
        if (disposing) _ = DisposeAsync().AsTask();
        base.Dispose(disposing);
    }
}
