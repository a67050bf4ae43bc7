// One incoming wRPC byte stream (the messages on `Rs.params`, `Rc.results`, or an async value's path)
// turned into values as they complete. Message boundaries mean nothing to the codec, so chunks are
// appended to one buffer; a decode is only retried once the buffer is as long as the last attempt
// said it must be, which keeps many small chunks from costing a full re-decode each.
using System.Buffers;

namespace Lattice.Wit.Wrpc;

public sealed class WrpcValueReader(WrpcOptions? options = null)
{
    private readonly WrpcOptions _options = options ?? WrpcOptions.Default;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private long _needed;
    private object? _neededFor;

    /// <summary>The stream offset of the next value (bytes consumed so far).</summary>
    public long Position { get; private set; }

    /// <summary>Bytes received and not yet consumed.</summary>
    public int Buffered => _end - _start;

    /// <summary>The stream has ended (the transport saw its empty end-of-stream message).</summary>
    public bool IsEnded { get; private set; }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (IsEnded) throw new InvalidOperationException("the stream has ended");
        if (chunk.IsEmpty) return;
        if (_buffer.Length - _end < chunk.Length)
        {
            var live = Buffered;
            if (_buffer.Length - live >= chunk.Length && live <= _buffer.Length / 2)
                _buffer.AsSpan(_start, live).CopyTo(_buffer);
            else
            {
                var grown = new byte[Math.Max(Math.Max(_buffer.Length * 2, live + chunk.Length), 256)];
                _buffer.AsSpan(_start, live).CopyTo(grown);
                _buffer = grown;
            }
            _start = 0;
            _end = live;
        }
        chunk.CopyTo(_buffer.AsSpan(_end));
        _end += chunk.Length;
    }

    public void Append(in ReadOnlySequence<byte> chunk)
    {
        foreach (var segment in chunk) Append(segment.Span);
    }

    /// <summary>Marks the end of the stream: a value still incomplete after this is an error.</summary>
    public void End() => IsEnded = true;

    /// <summary>True when the stream ended and every byte was consumed.</summary>
    public bool IsFinished => IsEnded && Buffered == 0;

    /// <summary>Reads one value if the buffer holds all of it; false when more bytes must arrive first.</summary>
    public bool TryRead(WitType type, out WitValue? value, out IReadOnlyList<WrpcPendingValue> pending, string root = "value") =>
        TryReadAt(type, WrpcPath.Root, out value, out pending, root);

    /// <summary>As <see cref="TryRead"/>, for a value that lives at <paramref name="path"/> (a pending future's value).</summary>
    public bool TryReadAt(WitType type, WrpcPath path, out WitValue? value, out IReadOnlyList<WrpcPendingValue> pending, string root = "value")
    {
        value = null;
        pending = [];
        if (Wait(type, root)) return false;
        var result = WrpcDecoder.TryDecodeAt(Span, type, path, out value, _options, root, Position);
        return Take(result, type, root, out pending);
    }

    /// <summary>Reads params or results (one value per type) once all of them are buffered.</summary>
    public bool TryReadValues(IReadOnlyList<WitType> types, out WitValue[]? values, out IReadOnlyList<WrpcPendingValue> pending, string root = "values")
    {
        values = null;
        pending = [];
        if (Wait(types, root)) return false;
        var result = WrpcDecoder.TryDecodeValues(Span, types, out values, _options, root, Position);
        return Take(result, types, root, out pending);
    }

    /// <summary>Reads one chunk of a pending stream; an empty chunk is its end marker.</summary>
    public bool TryReadStreamChunk(WitType elementType, WrpcPath streamPath, int firstIndex, out WitValue? items, out IReadOnlyList<WrpcPendingValue> pending)
    {
        items = null;
        pending = [];
        if (Wait(elementType, "chunk")) return false;
        var result = WrpcDecoder.TryDecodeStreamChunk(Span, elementType, streamPath, firstIndex, out items, _options, Position);
        return Take(result, elementType, "chunk", out pending);
    }

    private ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, Buffered);

    // True when the last attempt for the same target said more bytes are needed than are here.
    private bool Wait(object target, string root)
    {
        if (!ReferenceEquals(target, _neededFor) || Buffered >= _needed) return false;
        if (IsEnded) throw Truncated(root, _needed);
        return true;
    }

    private bool Take(WrpcDecodeResult result, object target, string root, out IReadOnlyList<WrpcPendingValue> pending)
    {
        pending = result.Pending;
        if (!result.IsComplete)
        {
            if (IsEnded) throw Truncated(root, result.MinimumLength);
            _needed = result.MinimumLength;
            _neededFor = target;
            return false;
        }
        _neededFor = null;
        _start += result.Consumed;
        Position += result.Consumed;
        if (_start == _end) _start = _end = 0;
        return true;
    }

    private WrpcDecodeException Truncated(string root, long needed) =>
        new(root, Buffered == 0
            ? "the stream ended before the value"
            : $"the stream ended {Buffered} byte(s) into the value (it needs at least {needed})", Position + Buffered);
}
