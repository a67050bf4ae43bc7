// A received stream<u8> as a read-only System.IO.Stream, for code that wants a body to read or copy.
using Lattice.Wit;

namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcByteStream(IAsyncEnumerable<WitValue> chunks) : AsyncReadStream
{
    // An async enumerator keeps the token it was made with; each read's token cancels it through this one
    // (a cancelled read ends the stream: what it had half-read is gone).
    private readonly CancellationTokenSource _cancel = new();
    private IAsyncEnumerator<WitValue>? _chunks;
    private ReadOnlyMemory<byte> _current;
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (_current.IsEmpty)
        {
            if (_ended) return 0;
            _chunks ??= chunks.GetAsyncEnumerator(_cancel.Token);
            bool more;
            await using (cancellationToken.Register(static c => ((CancellationTokenSource)c!).Cancel(), _cancel).ConfigureAwait(false))
                more = await _chunks.MoveNextAsync().ConfigureAwait(false);
            if (!more)
            {
                _ended = true;
                return 0;
            }
            _current = _chunks.Current.AsBytes();
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current.Span[..n].CopyTo(buffer.Span);
        _current = _current[n..];
        return n;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_chunks is not null) await _chunks.DisposeAsync().ConfigureAwait(false);
        _cancel.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunks?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _cancel.Dispose();
        }
        base.Dispose(disposing);
    }
}
