// Receives the data of pending futures and streams on their subjects (`Rs.params.<path>` for a
// server, `Rc.results.<path>` for a client). Frames wait in the invocation's mailbox from the moment
// they arrive, so reading a value late loses nothing. Async values found inside received data (a
// stream of futures, say) are remembered, so they can be read the same way.
//
// A stream ends with its end marker (empty chunk). A peer that closes the subject at a chunk
// boundary without the marker is read as a finished stream too (the Rust reader does the same),
// unless it said why it stopped (our `wrpc-error` header); a close inside a chunk is an error.
using System.Runtime.CompilerServices;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcAsyncReceiver(WrpcMailbox mailbox, string root, string invocation, WrpcOptions codec, TimeSpan idleTimeout) : IWrpcAsyncReader
{
    // Made on the first pending value: most calls have none.
    private Dictionary<WitValue, WrpcPendingValue>? _pending;

    public bool IsEmpty
    {
        get
        {
            lock (this) return _pending is null || _pending.Count == 0;
        }
    }

    public void Add(IReadOnlyList<WrpcPendingValue> pending)
    {
        if (pending.Count == 0) return;
        lock (this)
        {
            _pending ??= new Dictionary<WitValue, WrpcPendingValue>(ReferenceEqualityComparer.Instance);
            foreach (var p in pending) _pending[p.Value] = p;
        }
    }

    public async IAsyncEnumerable<WitValue> ReadStreamAsync(WrpcStream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (stream.IsReady)
        {
            yield return stream.Items!;
            yield break;
        }
        var pending = Find(stream);
        var element = pending.Type switch
        {
            AsyncValueType { Kind: WitKind.Stream, Element: { } e } => e,
            HandleType => WitType.U8,
            _ => throw new InvalidOperationException($"{pending.Type} is not a stream"),
        };
        var subject = Subject(pending.Path);
        var queue = mailbox.Claim(Suffix(pending.Path));
        var reader = new WrpcValueReader(codec);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? endError = null;
        var index = 0;
        while (true)
        {
            if (reader.Buffered > 0)
            {
                WitValue? items;
                IReadOnlyList<WrpcPendingValue> nested;
                bool complete;
                try { complete = reader.TryReadStreamChunk(element, pending.Path, index, out items, out nested); }
                catch (WrpcDecodeException e) { throw Broken(subject, endError, e); }
                if (complete)
                {
                    Add(nested);
                    var count = items switch { WitList l => l.Items.Count, WitBytes b => b.Value.Length, _ => 0 };
                    if (count == 0) yield break;
                    index += count;
                    yield return items!;
                    continue;
                }
            }
            if (reader.IsEnded)
            {
                if (endError is not null) throw new WrpcRemoteException(invocation, $"the peer stopped the stream on {subject}: {endError}");
                // A stream ends with an empty chunk (00) before the transport's end; a peer that fails (a Rust
                // peer, or one that died) just closes the subject, so an end without the marker is a broken stream.
                throw new WrpcRemoteException(invocation, $"the stream on {subject} ended before its end marker (the peer stopped sending)");
            }
            var frame = await ReadFrameAsync(queue, subject, idle, cancellationToken).ConfigureAwait(false);
            try
            {
                if (frame.IsEnd)
                {
                    endError = frame.Error;
                    reader.End();
                }
                else reader.Append(frame.Span);
            }
            finally { frame.Dispose(); }
        }
    }

    public Stream OpenByteStream(WrpcStream stream) => new WrpcByteStream(ReadStreamAsync(stream));

    public async Task<WitValue?> ReadFutureAsync(WrpcFuture future, CancellationToken cancellationToken = default)
    {
        if (future.IsReady) return future.Value;
        var pending = Find(future);
        var type = pending.Type is AsyncValueType { Kind: WitKind.Future } f ? f.Element : throw new InvalidOperationException($"{pending.Type} is not a future");
        var subject = Subject(pending.Path);
        var queue = mailbox.Claim(Suffix(pending.Path));
        var reader = new WrpcValueReader(codec);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            var frame = await ReadFrameAsync(queue, subject, idle, cancellationToken).ConfigureAwait(false);
            try
            {
                if (frame.IsEnd)
                {
                    if (type is null && frame.Error is null) return null;
                    reader.End();
                    throw new WrpcRemoteException(invocation, frame.Error is { } error
                        ? $"the peer stopped the future on {subject}: {error}"
                        : $"{subject} closed before the future's value was complete");
                }
                if (type is null) continue; // nothing to decode for a `future` without a type
                reader.Append(frame.Span);
            }
            finally { frame.Dispose(); }
            try
            {
                if (reader.TryReadAt(type, pending.Path, out var value, out var nested, "future"))
                {
                    Add(nested);
                    return value;
                }
            }
            catch (WrpcDecodeException e) { throw Broken(subject, null, e); }
        }
    }

    private WrpcPendingValue Find(WitValue value)
    {
        lock (this)
            if (_pending is not null && _pending.Remove(value, out var pending)) return pending;
        throw new InvalidOperationException("this future or stream is not a pending value of this call, or it was read already");
    }

    private string Suffix(WrpcPath path) => root + "." + path;

    private string Subject(WrpcPath path) => mailbox.Subject + "." + Suffix(path);

    private async ValueTask<WrpcFrame> ReadFrameAsync(WrpcFrameQueue queue, string subject, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        idle.CancelAfter(idleTimeout);
        try { return await queue.ReadAsync(idle.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WrpcTimeoutException(invocation, $"nothing arrived on {subject} for {idleTimeout.TotalSeconds:0.###} s");
        }
    }

    private WrpcException Broken(string subject, string? endError, WrpcDecodeException e) => endError is not null
        ? new WrpcRemoteException(invocation, $"the peer stopped {subject}: {endError}", e)
        : new WrpcProtocolException(invocation, $"bad data on {subject}: {e.Message}", e);
}
