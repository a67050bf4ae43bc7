// Where the data of a pending future or stream we send comes from. The codec writes a pending value
// as `00` and reports it with its path; the transport then needs the data to send on that path. A
// pending WrpcStream/WrpcFuture is a plain object the codec owns (sealed, no room for a payload), so
// the source is attached to the object itself in a weak table: make the value here, put it anywhere
// in params or results, and the transport finds its source when the encoder reports it. Each source
// is sent once.
using System.Runtime.CompilerServices;
using Lattice.Wit;
using Lattice.Wit.Wrpc;

namespace Lattice.Node.Bridge.Wrpc;

public static class WrpcOutgoing
{
    private static readonly ConditionalWeakTable<WitValue, WrpcSource> Sources = new();

    /// <summary>
    /// A pending stream sent chunk by chunk: each chunk a <see cref="WitList"/> of elements, or
    /// <see cref="WitBytes"/> for <c>stream&lt;u8&gt;</c>. Empty chunks are skipped (an empty chunk is the end marker).
    /// </summary>
    public static WrpcStream Stream(IAsyncEnumerable<WitValue> chunks) => Attach(WrpcStream.Pending(), new WrpcSource.Chunks(chunks));

    /// <summary>A pending <c>stream&lt;u8&gt;</c> whose bytes come from <paramref name="chunks"/>.</summary>
    public static WrpcStream Bytes(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks) => Attach(WrpcStream.Pending(), new WrpcSource.ByteChunks(chunks));

    /// <summary>A pending <c>stream&lt;u8&gt;</c> read from <paramref name="source"/> to its end (then disposed unless <paramref name="leaveOpen"/>).</summary>
    public static WrpcStream Bytes(Stream source, bool leaveOpen = false) => Attach(WrpcStream.Pending(), new WrpcSource.Reader(source, leaveOpen));

    /// <summary>A pending <c>stream&lt;u8&gt;</c> of the given bytes (sent in max_payload-sized messages).</summary>
    public static WrpcStream Bytes(ReadOnlyMemory<byte> bytes) => Bytes(One(bytes));

    /// <summary>A pending future whose value <paramref name="value"/> produces (null for a <c>future</c> without a type).</summary>
    public static WrpcFuture Future(Func<CancellationToken, ValueTask<WitValue?>> value) => Attach(WrpcFuture.Pending(), new WrpcSource.Value(value));

    public static WrpcFuture Future(Task<WitValue?> value) => Future(_ => new ValueTask<WitValue?>(value));

    /// <summary>True when <paramref name="value"/> was made here and has not been sent yet.</summary>
    public static bool HasSource(WitValue value) => Sources.TryGetValue(value, out _);

    internal static WrpcSource? Take(WitValue value) => Sources.TryGetValue(value, out var source) && Sources.Remove(value) ? source : null;

    private static T Attach<T>(T value, WrpcSource source) where T : WitValue
    {
        Sources.Add(value, source);
        return value;
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> One(ReadOnlyMemory<byte> bytes)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return bytes;
    }
}

internal abstract class WrpcSource
{
    internal sealed class Chunks(IAsyncEnumerable<WitValue> items) : WrpcSource
    {
        public IAsyncEnumerable<WitValue> Items { get; } = items;
    }

    internal sealed class ByteChunks(IAsyncEnumerable<ReadOnlyMemory<byte>> items) : WrpcSource
    {
        public IAsyncEnumerable<ReadOnlyMemory<byte>> Items { get; } = items;
    }

    internal sealed class Reader(Stream stream, bool leaveOpen) : WrpcSource
    {
        public Stream Stream { get; } = stream;
        public bool LeaveOpen { get; } = leaveOpen;
    }

    internal sealed class Value(Func<CancellationToken, ValueTask<WitValue?>> get) : WrpcSource
    {
        public Func<CancellationToken, ValueTask<WitValue?>> Get { get; } = get;
    }
}
