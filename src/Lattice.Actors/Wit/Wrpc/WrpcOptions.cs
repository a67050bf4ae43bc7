namespace Lattice.Wit.Wrpc;

/// <summary>Settings shared by the wRPC encoder and decoder. Immutable; one instance can serve every call.</summary>
public sealed record WrpcOptions
{
    public static WrpcOptions Default { get; } = new();

    /// <summary>
    /// The largest value the decoder waits for. A length or count that needs more bytes than this is
    /// an error at once instead of "need more", so a peer cannot make us buffer without bound.
    /// </summary>
    public long MaxValueBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// The most elements a list of a zero-sized type (<c>tuple&lt;&gt;</c>, empty flags) may claim:
    /// those take no bytes, so the byte limit cannot bound them.
    /// </summary>
    public int MaxZeroSizeElements { get; init; } = 1 << 16;

    /// <summary>
    /// Handles that wasmCloud's dynamic runtime sends as a byte stream instead of handle bytes: an
    /// owned <c>wasi:io/streams.input-stream</c> writes nothing inline and its bytes follow on the
    /// value's path as <c>list&lt;u8&gt;</c> chunks. Such a value is a pending <see cref="WrpcStream"/>.
    /// </summary>
    public Func<HandleType, bool>? IsByteStream { get; init; }

    /// <summary>
    /// Turns a local resource (<see cref="WitResource"/>) into the handle bytes a peer gets, e.g. by
    /// remembering it under <see cref="WrpcHandle.NewShared"/>. Without it, only <see cref="WrpcHandle"/>s can be encoded.
    /// </summary>
    public Func<WitResource, HandleType, ReadOnlyMemory<byte>>? ExportResource { get; init; }
}
