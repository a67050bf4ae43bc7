// WitValue → wRPC 0.0.1 bytes (the value encoding of the protocol spec §2), written straight into an
// IBufferWriter: no intermediate buffers, no allocation per value beyond a small path stack.
//
// The value is checked against the type while it is written. A mismatch stops the encoding with a
// WrpcEncodeException naming the path to the bad part; what was already written is then garbage and
// must be discarded. Pending futures and streams write their inline `00` and are reported with their
// path, so the transport can send their data on that path afterwards.
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Lattice.Wit.Wrpc;

public static class WrpcEncoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes one value. Returns its pending futures/streams, with paths relative to the value.</summary>
    public static IReadOnlyList<WrpcPendingValue> Encode(IBufferWriter<byte> output, WitType type, WitValue value, WrpcOptions? options = null) =>
        EncodeAt(output, type, value, WrpcPath.Root, options);

    /// <summary>
    /// Encodes one value that lives at <paramref name="path"/>, e.g. a pending future's value sent on
    /// the future's path: pending values inside it get paths below <paramref name="path"/>.
    /// </summary>
    public static IReadOnlyList<WrpcPendingValue> EncodeAt(IBufferWriter<byte> output, WitType type, WitValue value, WrpcPath path, WrpcOptions? options = null)
    {
        var w = new Writer(output, options, path);
        try { w.Value(type, value); }
        catch (Problem p) { throw p.ToException("value"); }
        return w.Pending;
    }

    /// <summary>
    /// Encodes a function's params or results: the values one after another, as one tuple. Pending
    /// paths start with the value's position; <paramref name="root"/> names the tuple in error messages.
    /// </summary>
    public static IReadOnlyList<WrpcPendingValue> EncodeValues(IBufferWriter<byte> output, IReadOnlyList<WitType> types, IReadOnlyList<WitValue> values,
        WrpcOptions? options = null, string root = "values")
    {
        if (types.Count != values.Count) throw new WrpcEncodeException(root, $"expected {types.Count} value(s), got {values.Count}");
        var w = new Writer(output, options, WrpcPath.Root);
        for (var i = 0; i < types.Count; i++)
        {
            try { w.Element(i, types[i], values[i]); }
            catch (Problem p) { throw p.At($"[{i}]").ToException(root); }
        }
        return w.Pending;
    }

    /// <summary>
    /// Encodes one chunk of a pending stream, sent on the stream's path: a count and the elements.
    /// <paramref name="items"/> is a <see cref="WitList"/> (or <see cref="WitBytes"/> for <c>stream&lt;u8&gt;</c>);
    /// <paramref name="firstIndex"/> is the position in the whole stream of its first element, which
    /// numbers the paths of async values inside elements. An empty chunk is the end marker.
    /// </summary>
    public static IReadOnlyList<WrpcPendingValue> EncodeStreamChunk(IBufferWriter<byte> output, WitType elementType, WitValue items, WrpcPath streamPath,
        int firstIndex = 0, WrpcOptions? options = null)
    {
        var w = new Writer(output, options, streamPath);
        try { w.List(elementType, items, firstIndex, "stream chunk"); }
        catch (Problem p) { throw p.ToException("chunk"); }
        return w.Pending;
    }

    /// <summary>The end of a pending stream: an empty chunk.</summary>
    public static void EncodeStreamEnd(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = 0;
        output.Advance(1);
    }

    public static byte[] ToArray(WitType type, WitValue value, WrpcOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Encode(buffer, type, value, options);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A mismatch on its way up; each container adds its path segment (nothing is built on success).</summary>
    private sealed class Problem(string message) : Exception(message)
    {
        private readonly List<string> _segments = [];

        public Problem At(string segment)
        {
            _segments.Add(segment);
            return this;
        }

        public WrpcEncodeException ToException(string root)
        {
            _segments.Reverse();
            return new WrpcEncodeException(root + string.Concat(_segments), Message);
        }
    }

    // A struct: one encode allocates only the path stack (and the pending list, if any).
    private struct Writer(IBufferWriter<byte> output, WrpcOptions? options, WrpcPath basePath)
    {
        private readonly WrpcOptions _options = options ?? WrpcOptions.Default;
        private int[] _path = Start(basePath);
        private int _depth = basePath.Count;
        private List<WrpcPendingValue>? _pending;

        public IReadOnlyList<WrpcPendingValue> Pending => (IReadOnlyList<WrpcPendingValue>?)_pending ?? [];

        private static int[] Start(WrpcPath basePath)
        {
            var path = new int[Math.Max(8, basePath.Count * 2)];
            for (var i = 0; i < basePath.Count; i++) path[i] = basePath[i];
            return path;
        }

        // A member at path index i: tuple position, record field, list or stream element.
        public void Element(int index, WitType type, WitValue value)
        {
            if (_depth == _path.Length) Array.Resize(ref _path, _path.Length * 2);
            _path[_depth++] = index;
            Value(type, value);
            _depth--;
        }

        public void Value(WitType type, WitValue value)
        {
            switch (type.Kind)
            {
                case WitKind.Bool: Byte(Primitive(type, value).Bits != 0 ? (byte)1 : (byte)0); break;
                case WitKind.U8: Byte((byte)Unsigned(type, value, byte.MaxValue)); break;
                case WitKind.S8: Byte((byte)(sbyte)Signed(type, value, sbyte.MinValue, sbyte.MaxValue)); break;
                case WitKind.U16: Leb(Unsigned(type, value, ushort.MaxValue)); break;
                case WitKind.U32: Leb(Unsigned(type, value, uint.MaxValue)); break;
                case WitKind.U64: Leb(Unsigned(type, value, ulong.MaxValue)); break;
                case WitKind.S16: SLeb(Signed(type, value, short.MinValue, short.MaxValue)); break;
                case WitKind.S32: SLeb(Signed(type, value, int.MinValue, int.MaxValue)); break;
                case WitKind.S64: SLeb(Signed(type, value, long.MinValue, long.MaxValue)); break;
                case WitKind.F32:
                {
                    var span = output.GetSpan(4);
                    BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)Primitive(type, value).Bits);
                    output.Advance(4);
                    break;
                }
                case WitKind.F64:
                {
                    var span = output.GetSpan(8);
                    BinaryPrimitives.WriteUInt64LittleEndian(span, Primitive(type, value).Bits);
                    output.Advance(8);
                    break;
                }
                case WitKind.Char: Char(type, value); break;
                case WitKind.String: String(type, value); break;
                case WitKind.List: List(((ListType)type).Element, value, 0, null); break;
                case WitKind.Record: Record((RecordType)type, value); break;
                case WitKind.Tuple: Tuple((TupleType)type, value); break;
                case WitKind.Variant: Variant((VariantType)type, value); break;
                case WitKind.Enum: Enum((EnumType)type, value); break;
                case WitKind.Flags: Flags((FlagsType)type, value); break;
                case WitKind.Option: Option((OptionType)type, value); break;
                case WitKind.Result: Result((ResultType)type, value); break;
                case WitKind.Own or WitKind.Borrow: Handle((HandleType)type, value); break;
                case WitKind.Future: Future((AsyncValueType)type, value); break;
                case WitKind.Stream: Stream((AsyncValueType)type, value); break;
                default: throw new Problem($"{type} has no wRPC 0.0.1 encoding");
            }
        }

        private void Byte(byte b)
        {
            output.GetSpan(1)[0] = b;
            output.Advance(1);
        }

        private void Leb(ulong v) => output.Advance(Leb128.WriteUnsigned(output.GetSpan(Leb128.MaxBytes), v));

        private void SLeb(long v) => output.Advance(Leb128.WriteSigned(output.GetSpan(Leb128.MaxBytes), v));

        private static WitPrimitive Primitive(WitType type, WitValue value) =>
            value is WitPrimitive p && p.Kind == type.Kind ? p : throw Expected(type, value);

        private static ulong Unsigned(WitType type, WitValue value, ulong max)
        {
            var bits = Primitive(type, value).Bits;
            return bits <= max ? bits : throw new Problem($"{bits} is out of {type} range");
        }

        private static long Signed(WitType type, WitValue value, long min, long max)
        {
            var v = (long)Primitive(type, value).Bits;
            return v >= min && v <= max ? v : throw new Problem($"{v} is out of {type} range");
        }

        private void Char(WitType type, WitValue value)
        {
            var bits = Primitive(type, value).Bits;
            if (bits > int.MaxValue || !Rune.TryCreate((int)bits, out var rune))
                throw new Problem($"U+{bits:X} is not a Unicode scalar value");
            output.Advance(rune.EncodeToUtf8(output.GetSpan(4)));
        }

        private void String(WitType type, WitValue value)
        {
            if (value is not WitString s) throw Expected(type, value);
            int count;
            try { count = StrictUtf8.GetByteCount(s.Value); }
            catch (EncoderFallbackException) { throw new Problem("the string holds a lone UTF-16 surrogate, which has no UTF-8 form"); }
            Leb((ulong)count);
            if (count == 0) return;
            output.Advance(StrictUtf8.GetBytes(s.Value, output.GetSpan(count)));
        }

        // list<T>, an inline stream, or a stream chunk: count, then the elements (element paths from firstIndex).
        public void List(WitType element, WitValue value, int firstIndex, string? what)
        {
            if (value is WitBytes bytes)
            {
                if (element.Kind != WitKind.U8) throw new Problem($"expected {what ?? $"list<{element}>"}, got list<u8>");
                Leb((ulong)bytes.Value.Length);
                output.Write(bytes.Value.Span);
                return;
            }
            if (value is not WitList list) throw new Problem($"expected {what ?? $"list<{element}>"}, got {Describe(value)}");
            Leb((ulong)list.Items.Count);
            for (var i = 0; i < list.Items.Count; i++)
            {
                var index = firstIndex + i;
                if (index < 0) throw new Problem("stream element index does not fit 31 bits");
                try { Element(index, element, list.Items[i]); }
                catch (Problem p) { throw p.At($"[{index}]"); }
            }
        }

        private void Record(RecordType type, WitValue value)
        {
            if (value is not WitRecord rec) throw Expected(type, value);
            if (rec.Fields.Count != type.Fields.Count) throw FieldsMismatch(type, rec);
            for (var i = 0; i < type.Fields.Count; i++)
            {
                var field = type.Fields[i];
                if (rec.Fields[i].Name != field.Name) throw FieldsMismatch(type, rec);
                try { Element(i, field.Type, rec.Fields[i].Value); }
                catch (Problem p) { throw p.At("." + field.Name); }
            }
        }

        private static Problem FieldsMismatch(RecordType type, WitRecord rec) =>
            new($"expected fields {{{string.Join(", ", type.Fields.Select(f => f.Name))}}}, got {{{string.Join(", ", rec.Fields.Select(f => f.Name))}}}");

        private void Tuple(TupleType type, WitValue value)
        {
            if (value is not WitTuple tup) throw Expected(type, value);
            if (tup.Items.Count != type.Types.Count) throw new Problem($"expected a tuple of {type.Types.Count}, got {tup.Items.Count}");
            for (var i = 0; i < type.Types.Count; i++)
            {
                try { Element(i, type.Types[i], tup.Items[i]); }
                catch (Problem p) { throw p.At($"[{i}]"); }
            }
        }

        private void Variant(VariantType type, WitValue value)
        {
            if (value is not WitVariant v) throw Expected(type, value);
            var index = type.IndexOf(v.Case);
            if (index < 0) throw new Problem($"'{v.Case}' is not a case of {type}");
            Leb((ulong)index);
            Payload(type.Cases[index].Payload, v.Payload, v.Case);
        }

        private void Payload(WitType? type, WitValue? payload, string name)
        {
            if (type is null)
            {
                if (payload is not null) throw new Problem($"case '{name}' has no payload");
                return;
            }
            if (payload is null) throw new Problem($"case '{name}' needs a {type} payload");
            try { Value(type, payload); }
            catch (Problem p) { throw p.At("." + name); }
        }

        private void Enum(EnumType type, WitValue value)
        {
            if (value is not WitEnum e) throw Expected(type, value);
            for (var i = 0; i < type.Names.Count; i++)
            {
                if (type.Names[i] != e.Case) continue;
                Leb((ulong)i);
                return;
            }
            throw new Problem($"'{e.Case}' is not a case of {type}");
        }

        private void Flags(FlagsType type, WitValue value)
        {
            if (value is not WitFlags f) throw Expected(type, value);
            var length = (type.Names.Count + 7) / 8;
            if (length == 0)
            {
                if (f.Set.Count > 0) throw new Problem($"'{f.Set[0]}' is not a flag of {type}");
                return;
            }
            var span = output.GetSpan(length)[..length];
            span.Clear();
            foreach (var name in f.Set)
            {
                var i = IndexOf(type.Names, name);
                if (i < 0) throw new Problem($"'{name}' is not a flag of {type}");
                span[i >> 3] |= (byte)(1 << (i & 7));
            }
            output.Advance(length);
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
            return -1;
        }

        private void Option(OptionType type, WitValue value)
        {
            if (value is not WitOption o) throw Expected(type, value);
            if (o.Value is null)
            {
                Byte(0);
                return;
            }
            Byte(1);
            try { Value(type.Inner, o.Value); }
            catch (Problem p) { throw p.At(".some"); }
        }

        private void Result(ResultType type, WitValue value)
        {
            if (value is not WitResult r) throw Expected(type, value);
            Byte(r.IsOk ? (byte)0 : (byte)1);
            var payloadType = r.IsOk ? type.Ok : type.Err;
            var which = r.IsOk ? "ok" : "err";
            if (payloadType is null)
            {
                if (r.Payload is not null) throw new Problem($"{which} has no payload in {type}");
                return;
            }
            if (r.Payload is null) throw new Problem($"{which} needs a {payloadType} payload");
            try { Value(payloadType, r.Payload); }
            catch (Problem p) { throw p.At("." + which); }
        }

        private void Handle(HandleType type, WitValue value)
        {
            if (_options.IsByteStream?.Invoke(type) == true)
            {
                // wasmCloud's dynamic runtime writes nothing inline for an input-stream: it is all on the path.
                if (value is not WrpcStream { IsReady: false }) throw new Problem($"expected a pending stream for {type}, got {Describe(value)}");
                AddPending(type, value);
                return;
            }
            ReadOnlyMemory<byte> bytes;
            bool owned;
            switch (value)
            {
                case WrpcHandle h:
                    bytes = h.Value;
                    owned = h.Owned;
                    break;
                case WitResource r:
                    if (_options.ExportResource is null) throw new Problem($"a local resource cannot be sent without WrpcOptions.ExportResource");
                    owned = r.Owned;
                    if (type.Kind == WitKind.Own && !owned) throw new Problem($"expected an owned {type} handle, got a borrow");
                    bytes = _options.ExportResource(r, type);
                    break;
                default:
                    throw Expected(type, value);
            }
            if (type.Kind == WitKind.Own && !owned) throw new Problem($"expected an owned {type} handle, got a borrow");
            Leb((ulong)bytes.Length);
            output.Write(bytes.Span);
        }

        private void Future(AsyncValueType type, WitValue value)
        {
            if (value is not WrpcFuture f) throw Expected(type, value);
            if (!f.IsReady)
            {
                Byte(0);
                AddPending(type, value);
                return;
            }
            Byte(1);
            if (type.Element is null)
            {
                if (f.Value is not null) throw new Problem($"{type} has no value");
                return;
            }
            if (f.Value is null) throw new Problem($"a ready {type} needs a value");
            try { Value(type.Element, f.Value); }
            catch (Problem p) { throw p.At(".value"); }
        }

        private void Stream(AsyncValueType type, WitValue value)
        {
            if (type.Element is null) throw new Problem("a stream without an element type has no wRPC 0.0.1 encoding");
            if (value is not WrpcStream s) throw Expected(type, value);
            if (s.Items is null)
            {
                Byte(0);
                AddPending(type, value);
                return;
            }
            var count = s.Items switch { WitList l => l.Items.Count, WitBytes b => b.Value.Length, _ => -1 };
            // An empty inline list reads as "pending": an empty stream is pending, then an end marker.
            if (count == 0) throw new Problem("a ready stream must not be empty (send it pending, then the end marker)");
            List(type.Element, s.Items, 0, type.ToString());
        }

        private void AddPending(WitType type, WitValue value) =>
            (_pending ??= []).Add(new WrpcPendingValue(WrpcPath.Of(_path.AsSpan(0, _depth)), type, value));

        private static Problem Expected(WitType type, WitValue value) => new($"expected {type}, got {Describe(value)}");

        private static string Describe(WitValue v) => v switch
        {
            WitBytes => "list<u8>",
            WitResource r => r.Owned ? "own handle" : "borrow handle",
            WrpcHandle h => h.Owned ? "own handle" : "borrow handle",
            WrpcStream s => s.IsReady ? "ready stream" : "pending stream",
            WrpcFuture f => f.IsReady ? "ready future" : "pending future",
            _ => v.Kind.ToString().ToLowerInvariant(),
        };
    }
}
