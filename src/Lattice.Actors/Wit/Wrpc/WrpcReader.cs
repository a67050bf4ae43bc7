// The decoding engine behind WrpcDecoder: one pass over a span, no exceptions.
//
// Every step returns Ok, NeedMore or Error. NeedMore carries the input length the next attempt needs
// at least (a string's whole length, a list's count × its element's smallest encoding), so a caller
// that receives a value in chunks retries only when that much has arrived, and so a claimed length is
// checked against what is at hand before anything is allocated for it. A prefix of a valid encoding is
// never an Error. Errors carry the problem and byte offset; the path to the bad part is collected while
// the error unwinds, so successful decodes build no path strings.
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Lattice.Wit.Wrpc;

internal enum Step : byte { Ok, NeedMore, Error }

internal ref struct WrpcReader
{
    private readonly ReadOnlySpan<byte> _in;
    private readonly WrpcOptions _options;
    private readonly long _limit;
    private int _pos;
    private int[] _path;
    private int _depth;

    /// <summary>NeedMore: the input length the next attempt needs at least.</summary>
    public long Needed;

    public string? Problem;
    public int ErrorAt;
    public List<string>? Segments;
    public List<WrpcPendingValue>? Pending;

    public WrpcReader(ReadOnlySpan<byte> input, WrpcOptions options, WrpcPath basePath)
    {
        _options = options;
        _limit = options.MaxValueBytes;
        // A value never extends past the limit: beyond it, "need more" turns into an error.
        _in = input.Length > _limit ? input[..(int)_limit] : input;
        _path = new int[Math.Max(8, basePath.Count * 2)];
        for (var i = 0; i < basePath.Count; i++) _path[i] = basePath[i];
        _depth = basePath.Count;
    }

    public readonly int Position => _pos;

    // --- bookkeeping ------------------------------------------------------------------------

    private Step More(long needed, string? what = null)
    {
        if (needed <= _limit)
        {
            Needed = needed;
            return Step.NeedMore;
        }
        return Fail(what is null
            ? $"the value needs at least {needed} bytes, more than the {_limit}-byte limit"
            : $"{what} needs at least {needed} bytes from the value's start, more than the {_limit}-byte limit", _pos);
    }

    private Step Fail(string problem, int at)
    {
        Problem = problem;
        ErrorAt = at;
        return Step.Error;
    }

    private Step At(Step step, string segment)
    {
        if (step == Step.Error) (Segments ??= []).Add(segment);
        return step;
    }

    private readonly int Left => _in.Length - _pos;

    /// <summary>A pending future or stream here: made with its path, and reported.</summary>
    private WitValue Pend(WitType type, Func<WrpcPath, WitValue> make)
    {
        var path = WrpcPath.Of(_path.AsSpan(0, _depth));
        var value = make(path);
        (Pending ??= []).Add(new WrpcPendingValue(path, type, value));
        return value;
    }

    /// <summary>Decodes a member at path index <paramref name="index"/> (tuple position, field, element).</summary>
    public Step Element(int index, WitType type, out WitValue value)
    {
        if (_depth == _path.Length) Array.Resize(ref _path, _path.Length * 2);
        _path[_depth++] = index;
        var step = Value(type, out value);
        _depth--;
        return step;
    }

    // --- values -----------------------------------------------------------------------------

    public Step Value(WitType type, out WitValue value)
    {
        value = null!;
        switch (type.Kind)
        {
            case WitKind.Bool:
            {
                if (Left < 1) return More(_pos + 1L);
                var b = _in[_pos];
                if (b > 1) return Fail($"invalid bool byte 0x{b:x2}", _pos);
                _pos++;
                value = WitValue.Bool(b == 1);
                return Step.Ok;
            }
            case WitKind.U8 or WitKind.S8:
            {
                if (Left < 1) return More(_pos + 1L);
                var b = _in[_pos++];
                value = type.Kind == WitKind.U8 ? WitValue.U8(b) : WitValue.S8((sbyte)b);
                return Step.Ok;
            }
            case WitKind.U16 or WitKind.U32 or WitKind.U64:
            {
                var bits = type.Kind switch { WitKind.U16 => 16, WitKind.U32 => 32, _ => 64 };
                var step = Unsigned(bits, type, out var v);
                if (step == Step.Ok) value = new WitPrimitive(type.Kind, v);
                return step;
            }
            case WitKind.S16 or WitKind.S32 or WitKind.S64:
            {
                var bits = type.Kind switch { WitKind.S16 => 16, WitKind.S32 => 32, _ => 64 };
                var start = _pos;
                var status = Leb128.ReadSigned(_in[_pos..], bits, out var v, out var n);
                if (status != LebStatus.Ok) return LebFailure(status, start, n, type.ToString());
                _pos += n;
                value = new WitPrimitive(type.Kind, unchecked((ulong)v));
                return Step.Ok;
            }
            case WitKind.F32:
                if (Left < 4) return More(_pos + 4L);
                value = new WitPrimitive(WitKind.F32, BinaryPrimitives.ReadUInt32LittleEndian(_in[_pos..]));
                _pos += 4;
                return Step.Ok;
            case WitKind.F64:
                if (Left < 8) return More(_pos + 8L);
                value = new WitPrimitive(WitKind.F64, BinaryPrimitives.ReadUInt64LittleEndian(_in[_pos..]));
                _pos += 8;
                return Step.Ok;
            case WitKind.Char: return Char(out value);
            case WitKind.String: return String(out value);
            case WitKind.List: return List(((ListType)type).Element, out value);
            case WitKind.Record: return Record((RecordType)type, out value);
            case WitKind.Tuple: return Tuple((TupleType)type, out value);
            case WitKind.Variant: return Variant((VariantType)type, out value);
            case WitKind.Enum: return Enum((EnumType)type, out value);
            case WitKind.Flags: return Flags((FlagsType)type, out value);
            case WitKind.Option: return Option((OptionType)type, out value);
            case WitKind.Result: return Result((ResultType)type, out value);
            case WitKind.Own or WitKind.Borrow: return Handle((HandleType)type, out value);
            case WitKind.Future: return Future((AsyncValueType)type, out value);
            case WitKind.Stream: return Stream((AsyncValueType)type, out value);
            default: return Fail($"{type} has no wRPC 0.0.1 encoding", _pos);
        }
    }

    private Step Unsigned(int bits, WitType type, out ulong value) => Unsigned(bits, type.ToString(), out value);

    private Step Unsigned(int bits, string what, out ulong value)
    {
        var start = _pos;
        var status = Leb128.ReadUnsigned(_in[_pos..], bits, out value, out var n);
        if (status != LebStatus.Ok) return LebFailure(status, start, n, what);
        _pos += n;
        return Step.Ok;
    }

    private Step LebFailure(LebStatus status, int start, int n, string what) => status switch
    {
        LebStatus.NeedMore => More(start + (long)n),
        LebStatus.Overflow => Fail($"LEB128 {what} overflows its width", start + n - 1),
        LebStatus.TooLong => Fail($"LEB128 {what} is longer than its width allows", start + n - 1),
        _ => Fail($"overlong LEB128 {what} (not the shortest encoding)", start + n - 1),
    };

    /// <summary>A u32 length or count.</summary>
    private Step Length(string what, out uint length)
    {
        var step = Unsigned(32, what, out var v);
        length = (uint)v;
        return step;
    }

    private Step Char(out WitValue value)
    {
        value = null!;
        if (Left < 1) return More(_pos + 1L);
        switch (Rune.DecodeFromUtf8(_in[_pos..], out var rune, out var n))
        {
            case OperationStatus.Done:
                _pos += n;
                value = WitValue.Char(rune);
                return Step.Ok;
            case OperationStatus.NeedMoreData:
                var lead = _in[_pos];
                return More(_pos + (lead >= 0xf0 ? 4L : lead >= 0xe0 ? 3L : 2L));
            default:
                return Fail("invalid UTF-8 in char", _pos);
        }
    }

    private Step String(out WitValue value)
    {
        value = null!;
        var step = Length("string length", out var length);
        if (step != Step.Ok) return step;
        if (Left < length) return More(_pos + (long)length, $"a string of {length} bytes");
        var bytes = _in.Slice(_pos, (int)length);
        if (!Utf8.IsValid(bytes)) return Fail("invalid UTF-8", _pos + FirstInvalid(bytes));
        value = new WitString(Encoding.UTF8.GetString(bytes));
        _pos += (int)length;
        return Step.Ok;
    }

    private static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out var n) != OperationStatus.Done) return i;
            i += n;
        }
        return i;
    }

    /// <summary>A stream chunk on its path: a count and that many elements.</summary>
    public Step Chunk(WitType element, int firstIndex, out WitValue value)
    {
        value = null!;
        var step = Length("chunk length", out var count);
        return step != Step.Ok ? step : Elements(element, count, firstIndex, "stream chunk", out value);
    }

    private Step List(WitType element, out WitValue value)
    {
        value = null!;
        var step = Length("list length", out var count);
        return step != Step.Ok ? step : Elements(element, count, 0, "list", out value);
    }

    /// <summary>The elements of a list, inline stream or stream chunk whose count was just read.</summary>
    public Step Elements(WitType element, uint count, int firstIndex, string what, out WitValue value)
    {
        value = null!;
        if (element.Kind == WitKind.U8)
        {
            if (Left < count) return More(_pos + (long)count, $"a {what} of {count} bytes");
            value = new WitBytes(_in.Slice(_pos, (int)count).ToArray());
            _pos += (int)count;
            return Step.Ok;
        }
        var min = WrpcTypeFacts.MinSize(element, _options);
        if (min == 0)
        {
            if (count > _options.MaxZeroSizeElements)
                return Fail($"a {what} of {count} zero-size elements is more than the limit of {_options.MaxZeroSizeElements}", _pos);
        }
        else
        {
            // Saturating: a huge count of big elements must read as "too much", not wrap around.
            var needed = count > (long.MaxValue - _pos) / min ? long.MaxValue : _pos + count * min;
            if (_in.Length < needed) return More(needed, $"a {what} of {count} elements");
        }
        if ((long)firstIndex + count > int.MaxValue) return Fail("stream element index does not fit 31 bits", _pos);

        var items = count == 0 ? [] : new WitValue[count];
        for (var i = 0; i < items.Length; i++)
        {
            var index = firstIndex + i;
            var step = Element(index, element, out items[i]);
            if (step != Step.Ok) return At(step, $"[{index}]");
        }
        value = new WitList(items);
        return Step.Ok;
    }

    private Step Record(RecordType type, out WitValue value)
    {
        value = null!;
        var fields = new (string, WitValue)[type.Fields.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = type.Fields[i];
            var step = Element(i, field.Type, out var v);
            if (step != Step.Ok) return At(step, "." + field.Name);
            fields[i] = (field.Name, v);
        }
        value = new WitRecord(fields);
        return Step.Ok;
    }

    private Step Tuple(TupleType type, out WitValue value)
    {
        value = null!;
        var items = new WitValue[type.Types.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var step = Element(i, type.Types[i], out items[i]);
            if (step != Step.Ok) return At(step, $"[{i}]");
        }
        value = new WitTuple(items);
        return Step.Ok;
    }

    private Step Variant(VariantType type, out WitValue value)
    {
        value = null!;
        var start = _pos;
        var step = Unsigned(32, "variant case", out var index);
        if (step != Step.Ok) return step;
        if (index >= (ulong)type.Cases.Count) return Fail($"unknown variant case {index} (the variant has {type.Cases.Count})", start);
        var @case = type.Cases[(int)index];
        WitValue? payload = null;
        if (@case.Payload is not null)
        {
            step = Value(@case.Payload, out payload);
            if (step != Step.Ok) return At(step, "." + @case.Name);
        }
        value = new WitVariant(@case.Name, payload);
        return Step.Ok;
    }

    private Step Enum(EnumType type, out WitValue value)
    {
        value = null!;
        var start = _pos;
        var step = Unsigned(32, "enum case", out var index);
        if (step != Step.Ok) return step;
        if (index >= (ulong)type.Names.Count) return Fail($"unknown enum case {index} (the enum has {type.Names.Count})", start);
        value = new WitEnum(type.Names[(int)index]);
        return Step.Ok;
    }

    private Step Flags(FlagsType type, out WitValue value)
    {
        value = null!;
        var n = type.Names.Count;
        var length = (n + 7) / 8;
        if (Left < length) return More(_pos + (long)length);
        var bytes = _in.Slice(_pos, length);
        if (n % 8 != 0 && (bytes[^1] & (0xff << (n % 8)) & 0xff) != 0)
            return Fail($"flag bits beyond the {n} flag(s) of the type are set", _pos + length - 1);
        var set = 0;
        foreach (var b in bytes) set += System.Numerics.BitOperations.PopCount(b);
        var names = set == 0 ? [] : new string[set];
        for (int i = 0, k = 0; k < set; i++)
            if ((bytes[i >> 3] & (1 << (i & 7))) != 0) names[k++] = type.Names[i];
        _pos += length;
        value = new WitFlags(names);
        return Step.Ok;
    }

    private Step Tag(string what, out bool set)
    {
        set = false;
        if (Left < 1) return More(_pos + 1L);
        var b = _in[_pos];
        if (b > 1) return Fail($"invalid {what} tag 0x{b:x2}", _pos);
        _pos++;
        set = b == 1;
        return Step.Ok;
    }

    private Step Option(OptionType type, out WitValue value)
    {
        value = null!;
        var step = Tag("option", out var some);
        if (step != Step.Ok) return step;
        if (!some)
        {
            value = WitValue.None;
            return Step.Ok;
        }
        step = Value(type.Inner, out var inner);
        if (step != Step.Ok) return At(step, ".some");
        value = new WitOption(inner);
        return Step.Ok;
    }

    private Step Result(ResultType type, out WitValue value)
    {
        value = null!;
        var step = Tag("result", out var isErr);
        if (step != Step.Ok) return step;
        var payloadType = isErr ? type.Err : type.Ok;
        WitValue? payload = null;
        if (payloadType is not null)
        {
            step = Value(payloadType, out payload);
            if (step != Step.Ok) return At(step, isErr ? ".err" : ".ok");
        }
        value = new WitResult(!isErr, payload);
        return Step.Ok;
    }

    private Step Handle(HandleType type, out WitValue value)
    {
        value = null!;
        if (_options.IsByteStream?.Invoke(type) == true)
        {
            value = Pend(type, WrpcStream.PendingAt);
            return Step.Ok;
        }
        var step = Length("handle length", out var length);
        if (step != Step.Ok) return step;
        if (Left < length) return More(_pos + (long)length, $"a handle of {length} bytes");
        value = new WrpcHandle(_in.Slice(_pos, (int)length).ToArray(), type.Kind == WitKind.Own);
        _pos += (int)length;
        return Step.Ok;
    }

    private Step Future(AsyncValueType type, out WitValue value)
    {
        value = null!;
        var step = Tag("future", out var ready);
        if (step != Step.Ok) return step;
        if (!ready)
        {
            value = Pend(type, WrpcFuture.PendingAt);
            return Step.Ok;
        }
        WitValue? inner = null;
        if (type.Element is not null)
        {
            step = Value(type.Element, out inner);
            if (step != Step.Ok) return At(step, ".value");
        }
        value = WrpcFuture.Ready(inner);
        return Step.Ok;
    }

    private Step Stream(AsyncValueType type, out WitValue value)
    {
        value = null!;
        if (type.Element is null) return Fail("a stream without an element type has no wRPC 0.0.1 encoding", _pos);
        var step = Length("stream length", out var count);
        if (step != Step.Ok) return step;
        if (count == 0)
        {
            value = Pend(type, WrpcStream.PendingAt);
            return Step.Ok;
        }
        step = Elements(type.Element, count, 0, "stream", out var items);
        if (step != Step.Ok) return step;
        value = WrpcStream.Ready(items);
        return Step.Ok;
    }
}
