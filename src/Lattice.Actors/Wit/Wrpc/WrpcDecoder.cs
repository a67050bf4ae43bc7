// wRPC 0.0.1 bytes → WitValue for a given WitType (the value encoding of the protocol spec §2).
//
// Made for input that arrives in pieces: TryDecode either decodes a whole value and says how many
// bytes it took, or says the input ends too early (consuming nothing) and how long it must be before
// a retry can get further. Malformed bytes raise a WrpcDecodeException naming the path, the problem
// and the byte offset. Nothing is allocated for a claimed length before the bytes are there, and no
// value is larger than WrpcOptions.MaxValueBytes. WrpcValueReader wraps this for a byte stream.
using System.Buffers;

namespace Lattice.Wit.Wrpc;

/// <summary>The outcome of a decode attempt.</summary>
public readonly struct WrpcDecodeResult
{
    private static readonly IReadOnlyList<WrpcPendingValue> NoPending = [];

    private WrpcDecodeResult(bool complete, int consumed, long minimumLength, IReadOnlyList<WrpcPendingValue>? pending)
    {
        IsComplete = complete;
        Consumed = consumed;
        MinimumLength = minimumLength;
        Pending = pending ?? NoPending;
    }

    /// <summary>True when a whole value was decoded; false when the input ended first.</summary>
    public bool IsComplete { get; }

    /// <summary>The bytes the value took; 0 when incomplete (nothing is consumed then).</summary>
    public int Consumed { get; }

    /// <summary>When incomplete: the input must be at least this long before a retry can get further.</summary>
    public long MinimumLength { get; }

    /// <summary>Pending futures and streams in the value, whose data follows on their paths.</summary>
    public IReadOnlyList<WrpcPendingValue> Pending { get; }

    internal static WrpcDecodeResult Complete(int consumed, IReadOnlyList<WrpcPendingValue>? pending) => new(true, consumed, 0, pending);

    internal static WrpcDecodeResult Incomplete(long minimumLength) => new(false, 0, minimumLength, null);
}

public static class WrpcDecoder
{
    /// <summary>Decodes one value from the start of <paramref name="input"/>; pending paths are relative to the value.</summary>
    public static WrpcDecodeResult TryDecode(ReadOnlySpan<byte> input, WitType type, out WitValue? value, WrpcOptions? options = null) =>
        TryDecodeAt(input, type, WrpcPath.Root, out value, options);

    /// <summary>
    /// Decodes one value that lives at <paramref name="path"/> (e.g. a pending future's value received
    /// on the future's path), so pending values inside it get paths below <paramref name="path"/>.
    /// </summary>
    public static WrpcDecodeResult TryDecodeAt(ReadOnlySpan<byte> input, WitType type, WrpcPath path, out WitValue? value, WrpcOptions? options = null) =>
        TryDecodeAt(input, type, path, out value, options, "value", 0);

    /// <summary>
    /// Decodes a function's params or results: one value per type, one after another. Pending paths
    /// start with the value's position; <paramref name="root"/> names the tuple in error messages
    /// (<c>params</c>, <c>results</c>).
    /// </summary>
    public static WrpcDecodeResult TryDecodeValues(ReadOnlySpan<byte> input, IReadOnlyList<WitType> types, out WitValue[]? values,
        WrpcOptions? options = null, string root = "values") =>
        TryDecodeValues(input, types, out values, options, root, 0);

    /// <summary>
    /// Decodes one chunk of a pending stream received on <paramref name="streamPath"/>: a <see cref="WitList"/>
    /// (<see cref="WitBytes"/> for <c>stream&lt;u8&gt;</c>). An empty chunk is the end of the stream.
    /// <paramref name="firstIndex"/> is the position in the stream of the chunk's first element.
    /// </summary>
    public static WrpcDecodeResult TryDecodeStreamChunk(ReadOnlySpan<byte> input, WitType elementType, WrpcPath streamPath, int firstIndex,
        out WitValue? items, WrpcOptions? options = null) =>
        TryDecodeStreamChunk(input, elementType, streamPath, firstIndex, out items, options, 0);

    public static WrpcDecodeResult TryDecode(in ReadOnlySequence<byte> input, WitType type, out WitValue? value, WrpcOptions? options = null)
    {
        if (input.IsSingleSegment) return TryDecode(input.FirstSpan, type, out value, options);
        using var flat = new Flat(input, options);
        return TryDecode(flat.Span, type, out value, options);
    }

    public static WrpcDecodeResult TryDecodeValues(in ReadOnlySequence<byte> input, IReadOnlyList<WitType> types, out WitValue[]? values,
        WrpcOptions? options = null, string root = "values")
    {
        if (input.IsSingleSegment) return TryDecodeValues(input.FirstSpan, types, out values, options, root);
        using var flat = new Flat(input, options);
        return TryDecodeValues(flat.Span, types, out values, options, root);
    }

    /// <summary>Decodes exactly one value that fills all of <paramref name="input"/>.</summary>
    public static WitValue Decode(ReadOnlySpan<byte> input, WitType type, WrpcOptions? options = null)
    {
        var result = TryDecode(input, type, out var value, options);
        Whole(result, input.Length, "value");
        return value!;
    }

    /// <summary>Decodes params or results that fill all of <paramref name="input"/>.</summary>
    public static WitValue[] DecodeValues(ReadOnlySpan<byte> input, IReadOnlyList<WitType> types, WrpcOptions? options = null, string root = "values")
    {
        var result = TryDecodeValues(input, types, out var values, options, root);
        Whole(result, input.Length, root);
        return values!;
    }

    private static void Whole(WrpcDecodeResult result, int length, string root)
    {
        if (!result.IsComplete)
            throw new WrpcDecodeException(root, $"the input ends after {length} byte(s), inside the value (it needs at least {result.MinimumLength})", length);
        if (result.Consumed != length)
            throw new WrpcDecodeException(root, $"{length - result.Consumed} byte(s) left over after the value", result.Consumed);
    }

    // --- with a stream offset (WrpcValueReader) --------------------------------------------

    internal static WrpcDecodeResult TryDecodeAt(ReadOnlySpan<byte> input, WitType type, WrpcPath path, out WitValue? value, WrpcOptions? options,
        string root, long offset)
    {
        var r = new WrpcReader(input, options ?? WrpcOptions.Default, path);
        var step = r.Value(type, out var v);
        value = step == Step.Ok ? v : null;
        return Finish(ref r, step, root, offset);
    }

    internal static WrpcDecodeResult TryDecodeValues(ReadOnlySpan<byte> input, IReadOnlyList<WitType> types, out WitValue[]? values,
        WrpcOptions? options, string root, long offset)
    {
        var r = new WrpcReader(input, options ?? WrpcOptions.Default, WrpcPath.Root);
        var items = new WitValue[types.Count];
        values = null;
        for (var i = 0; i < items.Length; i++)
        {
            var step = r.Element(i, types[i], out items[i]);
            if (step == Step.Error) (r.Segments ??= []).Add($"[{i}]");
            if (step != Step.Ok) return Finish(ref r, step, root, offset);
        }
        values = items;
        return Finish(ref r, Step.Ok, root, offset);
    }

    internal static WrpcDecodeResult TryDecodeStreamChunk(ReadOnlySpan<byte> input, WitType elementType, WrpcPath streamPath, int firstIndex,
        out WitValue? items, WrpcOptions? options, long offset)
    {
        items = null;
        var r = new WrpcReader(input, options ?? WrpcOptions.Default, streamPath);
        var step = r.Chunk(elementType, firstIndex, out var v);
        if (step == Step.Ok) items = v;
        return Finish(ref r, step, "chunk", offset);
    }

    private static WrpcDecodeResult Finish(ref WrpcReader r, Step step, string root, long offset) => step switch
    {
        Step.Ok => WrpcDecodeResult.Complete(r.Position, r.Pending),
        Step.NeedMore => WrpcDecodeResult.Incomplete(r.Needed),
        _ => throw Error(ref r, root, offset),
    };

    private static WrpcDecodeException Error(ref WrpcReader r, string root, long offset)
    {
        var path = root;
        if (r.Segments is { } segments)
        {
            segments.Reverse();
            path += string.Concat(segments);
        }
        return new WrpcDecodeException(path, r.Problem!, offset + r.ErrorAt);
    }

    /// <summary>A multi-segment sequence copied into one pooled buffer (at most the value limit).</summary>
    private readonly struct Flat : IDisposable
    {
        private readonly byte[] _buffer;
        private readonly int _length;

        public Flat(in ReadOnlySequence<byte> input, WrpcOptions? options)
        {
            var limit = (options ?? WrpcOptions.Default).MaxValueBytes;
            _length = (int)Math.Min(input.Length, Math.Min(limit, Array.MaxLength));
            _buffer = ArrayPool<byte>.Shared.Rent(_length);
            input.Slice(0, _length).CopyTo(_buffer);
        }

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
