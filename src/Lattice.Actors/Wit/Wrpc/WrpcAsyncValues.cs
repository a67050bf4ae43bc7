// future<T> and stream<T> values as wRPC 0.0.1 carries them.
//
// Both have an inline form and a pending form. Inline, a future is `01` + T and a stream is a
// non-empty list. Pending, the inline byte is `00` and the data follows on the value's own path
// (a future's T once; a stream's elements as list chunks ended by an empty chunk), which is the
// transport's business: encoding and decoding report every pending value with its path
// (WrpcPendingValue), and a decoded pending value also knows its Path.
namespace Lattice.Wit.Wrpc;

public sealed class WrpcFuture : WitValue
{
    private WrpcFuture(bool ready, WitValue? value, WrpcPath? path) : base(WitKind.Future)
    {
        IsReady = ready;
        Value = value;
        Path = path;
    }

    public bool IsReady { get; }

    /// <summary>The resolved value of a ready future (null for a ready <c>future</c> without a type).</summary>
    public WitValue? Value { get; }

    /// <summary>Where the value arrives, for a pending future that was decoded.</summary>
    public WrpcPath? Path { get; }

    /// <summary>A new pending future; each call is a distinct object, so a transport can tell them apart.</summary>
    public static WrpcFuture Pending() => new(false, null, null);

    public static WrpcFuture Ready(WitValue? value) => new(true, value, null);

    internal static WrpcFuture PendingAt(WrpcPath path) => new(false, null, path);

    public override string ToString() => IsReady ? $"future({Value})" : Path is null ? "future(pending)" : $"future(pending @{Path})";
}

public sealed class WrpcStream : WitValue
{
    private WrpcStream(WitValue? items, WrpcPath? path) : base(WitKind.Stream)
    {
        Items = items;
        Path = path;
    }

    /// <summary>The whole stream when it was sent inline: a non-empty <see cref="WitList"/>, or <see cref="WitBytes"/> for <c>stream&lt;u8&gt;</c>.</summary>
    public WitValue? Items { get; }

    public bool IsReady => Items is not null;

    /// <summary>Where the chunks arrive, for a pending stream that was decoded.</summary>
    public WrpcPath? Path { get; }

    public static WrpcStream Pending() => new(null, null);

    /// <summary>A complete stream sent inline. It must not be empty: an empty inline list means "pending".</summary>
    public static WrpcStream Ready(WitValue items) => new(items ?? throw new ArgumentNullException(nameof(items)), null);

    internal static WrpcStream PendingAt(WrpcPath path) => new(null, path);

    public override string ToString() => IsReady ? "stream(ready)" : Path is null ? "stream(pending)" : $"stream(pending @{Path})";
}

/// <summary>
/// A future or stream whose data travels on its own path: <see cref="Value"/> is the
/// <see cref="WrpcFuture"/> or <see cref="WrpcStream"/>, <see cref="Type"/> its WIT type (or the
/// handle type, for a handle sent as a byte stream; see <see cref="WrpcOptions.IsByteStream"/>).
/// </summary>
public sealed record WrpcPendingValue(WrpcPath Path, WitType Type, WitValue Value);
