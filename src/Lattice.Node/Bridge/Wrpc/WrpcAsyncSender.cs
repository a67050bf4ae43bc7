// Sends the data of pending futures and streams, each on its own subject below `Rs.params` or
// `Rc.results` (protocol spec §1.2, §2.1): a future's value once; a stream as chunks (count +
// elements) ended by the empty chunk `00`; then the empty message that closes the subject. Async
// values inside that data get deeper paths and are sent the same way, concurrently.
//
// A source that fails closes its subject without the end marker, with our `wrpc-error` header: the
// receiver sees a truncated value, which is how wRPC reports a failed producer.
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;

namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcAsyncSender(WrpcPublisher publisher, WrpcOptions codec, ILogger log)
{
    // LEB128 of a u32 takes at most 5 bytes: room reserved in front of a byte chunk read in place.
    private const int LebRoom = 5;

    /// <summary>Throws when a pending value has no data source (nothing could be sent on its path).</summary>
    public static void CheckSources(IReadOnlyList<WrpcPendingValue> pending, string root)
    {
        foreach (var p in pending)
            if (!WrpcOutgoing.HasSource(p.Value))
                throw new WrpcEncodeException($"{root}{Describe(p.Path)}", $"a pending {(p.Value is WrpcFuture ? "future" : "stream")} needs its data: make it with WrpcOutgoing");
    }

    private static string Describe(WrpcPath path) => path.Count == 0 ? "" : $"[{path}]";

    /// <summary>Sends every value of <paramref name="pending"/> below <paramref name="subject"/>, concurrently.</summary>
    public Task SendAllAsync(string subject, IReadOnlyList<WrpcPendingValue> pending, CancellationToken cancellationToken)
    {
        switch (pending.Count)
        {
            case 0: return Task.CompletedTask;
            case 1: return SendAsync(subject, pending[0], cancellationToken);
        }
        var tasks = new Task[pending.Count];
        for (var i = 0; i < tasks.Length; i++) tasks[i] = SendAsync(subject, pending[i], cancellationToken);
        return Task.WhenAll(tasks);
    }

    private async Task SendAsync(string root, WrpcPendingValue pending, CancellationToken cancellationToken)
    {
        var subject = WrpcSubjects.AtPath(root, pending.Path);
        var source = WrpcOutgoing.Take(pending.Value);
        var nested = new List<Task>();
        using var buffer = new PooledBuffer();
        try
        {
            switch (source)
            {
                case WrpcSource.Value value:
                    await SendFutureAsync(root, subject, pending, value, buffer, nested, cancellationToken).ConfigureAwait(false);
                    break;
                case WrpcSource.Chunks chunks:
                    await SendChunksAsync(root, subject, pending, chunks, buffer, nested, cancellationToken).ConfigureAwait(false);
                    break;
                case WrpcSource.ByteChunks bytes:
                    CheckBytes(pending);
                    await foreach (var chunk in bytes.Items.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        if (chunk.IsEmpty) continue;
                        buffer.Clear();
                        buffer.Advance(WriteLeb(buffer.GetSpan(LebRoom), (uint)chunk.Length));
                        chunk.Span.CopyTo(buffer.GetSpan(chunk.Length));
                        buffer.Advance(chunk.Length);
                        await publisher.WriteAsync(subject, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    }
                    await EndMarkerAsync(subject, buffer, cancellationToken).ConfigureAwait(false);
                    break;
                case WrpcSource.Reader reader:
                    CheckBytes(pending);
                    await SendReaderAsync(subject, reader, buffer, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException($"the pending value at {pending.Path} has no data source, or it was sent already");
            }
            await publisher.EndAsync(subject, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? "the sender stopped (cancelled)" : $"the sender failed: {e.Message}";
            log.LogWarning("wRPC: stopped sending {Subject}: {Reason}", subject, reason);
            try { await publisher.EndAsync(subject, reason, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception end) { log.LogDebug(end, "wRPC: could not close {Subject}", subject); }
            throw;
        }
        finally
        {
            if (source is WrpcSource.Reader { LeaveOpen: false } r) await r.Stream.DisposeAsync().ConfigureAwait(false);
        }
        if (nested.Count > 0) await Task.WhenAll(nested).ConfigureAwait(false);
    }

    private async Task SendFutureAsync(string root, string subject, WrpcPendingValue pending, WrpcSource.Value source, PooledBuffer buffer,
        List<Task> nested, CancellationToken cancellationToken)
    {
        var type = pending.Type is AsyncValueType { Kind: WitKind.Future } f
            ? f.Element
            : throw new WrpcEncodeException(pending.Path.ToString(), $"a future's data for a {pending.Type} value");
        var value = await source.Get(cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            if (value is not null) throw new WrpcEncodeException(pending.Path.ToString(), "a future without a type has no value");
            return;
        }
        if (value is null) throw new WrpcEncodeException(pending.Path.ToString(), $"the future needs a {type} value");
        var inner = WrpcEncoder.EncodeAt(buffer, type, value, pending.Path, codec);
        CheckSources(inner, "value");
        await publisher.WriteAsync(subject, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        if (inner.Count > 0) nested.Add(SendAllAsync(root, inner, cancellationToken));
    }

    private async Task SendChunksAsync(string root, string subject, WrpcPendingValue pending, WrpcSource.Chunks source, PooledBuffer buffer,
        List<Task> nested, CancellationToken cancellationToken)
    {
        var element = ElementOf(pending);
        var index = 0;
        await foreach (var chunk in source.Items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var count = chunk switch { WitList l => l.Items.Count, WitBytes b => b.Value.Length, _ => -1 };
            if (count == 0) continue;
            buffer.Clear();
            var inner = WrpcEncoder.EncodeStreamChunk(buffer, element, chunk, pending.Path, index, codec);
            CheckSources(inner, "chunk");
            await publisher.WriteAsync(subject, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            index += count;
            if (inner.Count > 0) nested.Add(SendAllAsync(root, inner, cancellationToken));
        }
        await EndMarkerAsync(subject, buffer, cancellationToken).ConfigureAwait(false);
    }

    // Reads straight into the message buffer behind room for the chunk's length: one copy per chunk.
    private async Task SendReaderAsync(string subject, WrpcSource.Reader source, PooledBuffer buffer, CancellationToken cancellationToken)
    {
        var room = Math.Max(publisher.MaxPayload - LebRoom, 1);
        var memory = buffer.GetMemory(LebRoom + room)[..(LebRoom + room)];
        while (true)
        {
            var n = await source.Stream.ReadAsync(memory[LebRoom..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            var l = LebLength((uint)n);
            WriteLeb(memory.Span[(LebRoom - l)..], (uint)n);
            await publisher.WriteAsync(subject, memory[(LebRoom - l)..(LebRoom + n)], cancellationToken).ConfigureAwait(false);
        }
        await EndMarkerAsync(subject, buffer, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EndMarkerAsync(string subject, PooledBuffer buffer, CancellationToken cancellationToken)
    {
        buffer.Clear();
        WrpcEncoder.EncodeStreamEnd(buffer);
        await publisher.WriteAsync(subject, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    private static WitType ElementOf(WrpcPendingValue pending) => pending.Type switch
    {
        AsyncValueType { Kind: WitKind.Stream, Element: { } element } => element,
        HandleType => WitType.U8, // wasmCloud's input-stream handle sent as a byte stream
        _ => throw new WrpcEncodeException(pending.Path.ToString(), $"stream data for a {pending.Type} value"),
    };

    private static void CheckBytes(WrpcPendingValue pending)
    {
        if (ElementOf(pending).Kind != WitKind.U8)
            throw new WrpcEncodeException(pending.Path.ToString(), $"bytes for a {pending.Type} value (only stream<u8> takes bytes)");
    }

    private static int LebLength(uint value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    internal static int WriteLeb(Span<byte> dest, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            dest[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dest[i++] = (byte)value;
        return i;
    }
}
