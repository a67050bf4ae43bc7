// One call in progress on the client side, after its results arrived: the results, a way to read
// their pending futures and streams, and the sending of pending params (an HTTP request body may
// still be going out while the response is read). Disposing it stops what is still being sent and
// releases the call's subjects.
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Wrpc;

public sealed class WrpcInvocation : IWrpcAsyncReader, IAsyncDisposable
{
    private readonly WrpcAsyncReceiver _receiver;
    private readonly WrpcMailbox _mailbox;
    private readonly CancellationTokenSource? _senders;
    private int _disposed;

    internal WrpcInvocation(WitValue[] results, WrpcAsyncReceiver receiver, WrpcMailbox mailbox, Task paramsSent, CancellationTokenSource? senders)
    {
        Results = results;
        _receiver = receiver;
        _mailbox = mailbox;
        _senders = senders;
        ParamsSent = paramsSent;
    }

    public WitValue[] Results { get; }

    /// <summary>True when some result value is a pending future or stream whose data is still to be read.</summary>
    public bool HasPendingResults => !_receiver.IsEmpty;

    /// <summary>Completes when the data of every pending param (futures, streams) was sent.</summary>
    public Task ParamsSent { get; }

    public IAsyncEnumerable<WitValue> ReadStreamAsync(WrpcStream stream, CancellationToken cancellationToken = default) =>
        _receiver.ReadStreamAsync(stream, cancellationToken);

    public Stream OpenByteStream(WrpcStream stream) => _receiver.OpenByteStream(stream);

    public Task<WitValue?> ReadFutureAsync(WrpcFuture future, CancellationToken cancellationToken = default) =>
        _receiver.ReadFutureAsync(future, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_senders is not null)
        {
            if (!ParamsSent.IsCompleted) await _senders.CancelAsync().ConfigureAwait(false);
            try { await ParamsSent.ConfigureAwait(false); }
            catch (Exception) { /* logged by the sender; the caller had ParamsSent to observe it */ }
            _senders.Dispose();
        }
        _mailbox.Dispose();
    }
}
