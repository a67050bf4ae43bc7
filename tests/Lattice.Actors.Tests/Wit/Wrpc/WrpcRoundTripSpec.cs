using System.Text;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>Every WIT type, at its edges and nested: encode, decode, and the same value and bytes again.</summary>
public class WrpcRoundTripSpec
{
    private static readonly RecordType Point = new([new("x", WitType.S32), new("y", WitType.S32), new("label", WitType.String)]);
    private static readonly VariantType Shape = new([new("circle", WitType.F32), new("rect", Point), new("empty", null)]);
    private static readonly EnumType Big = new(Enumerable.Range(0, 200).Select(i => $"e{i}").ToList());
    private static readonly AsyncValueType FutureU32 = new(WitKind.Future, WitType.U32);

    private static FlagsType Flags(int n) => new(Enumerable.Range(0, n).Select(i => $"f{i}").ToList());

    private static readonly RecordType Everything = new([
        new("id", WitType.U64), new("name", WitType.String), new("tags", new ListType(WitType.String)),
        new("shapes", new ListType(Shape)), new("color", Big), new("perms", Flags(10)),
        new("parent", new OptionType(new TupleType([WitType.Char, new ResultType(Point, WitType.String)]))),
        new("blob", new ListType(WitType.U8)), new("matrix", new ListType(new ListType(WitType.F64))),
        new("handle", new HandleType(WitKind.Borrow, "res", 3)),
    ]);

    private static WitValue PointValue(int x, int y, string label) =>
        WitValue.Record(("x", WitValue.S32(x)), ("y", WitValue.S32(y)), ("label", Str(label)));

    private static readonly Dictionary<string, (WitType Type, WitValue Value)> Cases = Build();

    private static Dictionary<string, (WitType, WitValue)> Build()
    {
        var c = new Dictionary<string, (WitType, WitValue)>();
        void Add(string name, WitType t, WitValue v) => c.Add(name, (t, v));

        foreach (var v in new[] { 0, 1, 0x7f, 0x80, 0xff }) Add($"u8 {v}", WitType.U8, WitValue.U8((byte)v));
        foreach (var v in new[] { 0, 1, -1, 63, 64, -64, -65, 127, -128 }) Add($"s8 {v}", WitType.S8, WitValue.S8((sbyte)v));
        foreach (var v in new[] { 0, 127, 128, 16383, 16384, 65535 }) Add($"u16 {v}", WitType.U16, WitValue.U16((ushort)v));
        foreach (var v in new[] { 0, 63, 64, -64, -65, 8191, 8192, -8192, -8193, short.MaxValue, short.MinValue }) Add($"s16 {v}", WitType.S16, WitValue.S16((short)v));
        foreach (var v in new[] { 0u, 127u, 128u, 1u << 21, (1u << 28) - 1, 1u << 28, uint.MaxValue }) Add($"u32 {v}", WitType.U32, WitValue.U32(v));
        foreach (var v in new[] { 0, -1, int.MaxValue, int.MinValue, 1 << 27, -(1 << 27), (1 << 27) - 1 }) Add($"s32 {v}", WitType.S32, WitValue.S32(v));
        foreach (var v in new[] { 0ul, 1ul << 63, (1ul << 63) - 1, ulong.MaxValue }) Add($"u64 {v}", WitType.U64, WitValue.U64(v));
        foreach (var v in new[] { 0L, -1L, long.MaxValue, long.MinValue, 1L << 62, -(1L << 62), (1L << 62) - 1 }) Add($"s64 {v}", WitType.S64, WitValue.S64(v));
        Add("bool false", WitType.Bool, WitValue.Bool(false));
        Add("f32 NaN payload", WitType.F32, new WitPrimitive(WitKind.F32, 0x7fc00001));
        Add("f32 -0", WitType.F32, WitValue.F32(-0.0f));
        Add("f32 -inf", WitType.F32, WitValue.F32(float.NegativeInfinity));
        Add("f64 NaN payload", WitType.F64, new WitPrimitive(WitKind.F64, 0xfff8000000000001));
        Add("f64 epsilon", WitType.F64, WitValue.F64(double.Epsilon));
        foreach (var cp in new[] { 0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff })
            Add($"char U+{cp:X4}", WitType.Char, WitValue.Char(new Rune(cp)));
        Add("string unicode", WitType.String, Str("héllo € 😀 \0 end"));
        Add("string 200 bytes", WitType.String, Str(new string('x', 200)));
        Add("string 20000 bytes", WitType.String, Str(string.Concat(Enumerable.Repeat("ab€", 5000))));
        Add("list<u8> empty", new ListType(WitType.U8), Bytes());
        Add("list<u8> 300 bytes", new ListType(WitType.U8), Bytes(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray()));
        Add("list<string> empty", new ListType(WitType.String), WitValue.List([]));
        Add("list<list<string>>", new ListType(new ListType(WitType.String)),
            WitValue.List([WitValue.List([Str("a"), Str("")]), WitValue.List([]), WitValue.List([Str("ccc")])]));
        Add("list<option<s64>>", new ListType(new OptionType(WitType.S64)), WitValue.List([WitValue.Some(WitValue.S64(-5)), WitValue.None]));
        Add("list<u32> 1000", new ListType(WitType.U32), WitValue.List(Enumerable.Range(0, 1000).Select(i => WitValue.U32((uint)i * 4099)).ToList()));
        Add("tuple<u8, string, f64>", new TupleType([WitType.U8, WitType.String, WitType.F64]), WitValue.Tuple(WitValue.U8(1), Str("two"), WitValue.F64(3)));
        Add("tuple nested", new TupleType([new TupleType([WitType.Bool]), new TupleType([WitType.S8, WitType.S16])]),
            WitValue.Tuple(WitValue.Tuple(WitValue.Bool(true)), WitValue.Tuple(WitValue.S8(-2), WitValue.S16(-300))));
        Add("variant circle", Shape, WitValue.Variant("circle", WitValue.F32(2.5f)));
        Add("variant rect", Shape, WitValue.Variant("rect", PointValue(1, -1, "r")));
        Add("variant empty", Shape, WitValue.Variant("empty"));
        Add("enum first of 200", Big, WitValue.Enum("e0"));
        Add("enum 127 of 200", Big, WitValue.Enum("e127"));
        Add("enum 150 of 200 (two bytes)", Big, WitValue.Enum("e150"));
        Add("flags none of 3", Flags(3), WitValue.Flags());
        Add("flags all of 8", Flags(8), WitValue.Flags(Enumerable.Range(0, 8).Select(i => $"f{i}").ToArray()));
        Add("flags bit 8 of 9", Flags(9), WitValue.Flags("f8"));
        Add("flags 17", Flags(17), WitValue.Flags("f0", "f16"));
        Add("flags all of 64", Flags(64), WitValue.Flags(Enumerable.Range(0, 64).Select(i => $"f{i}").ToArray()));
        Add("flags 70", Flags(70), WitValue.Flags("f3", "f63", "f64", "f69"));
        foreach (var (name, v) in new[]
                 {
                     ("none", WitValue.None), ("some(none)", WitValue.Some(WitValue.None)),
                     ("some(some(none))", WitValue.Some(WitValue.Some(WitValue.None))),
                     ("some(some(some(7)))", WitValue.Some(WitValue.Some(WitValue.Some(WitValue.U32(7))))),
                 })
            Add($"option^3 {name}", new OptionType(new OptionType(new OptionType(WitType.U32))), v);
        Add("result ok", new ResultType(null, null), WitValue.UnitOk);
        Add("result err", new ResultType(null, null), WitValue.Err());
        Add("result<u8> ok(1)", new ResultType(WitType.U8, null), WitValue.Ok(WitValue.U8(1)));
        Add("result<u8> err", new ResultType(WitType.U8, null), WitValue.Err());
        Add("result<_, string> err", new ResultType(null, WitType.String), WitValue.Err(Str("bad")));
        Add("result<point, string> ok", new ResultType(Point, WitType.String), WitValue.Ok(PointValue(int.MinValue, int.MaxValue, "p")));
        Add("own guid", new HandleType(WitKind.Own, "r", 1), WrpcHandle.FromGuid(Guid.CreateVersion7()));
        Add("borrow empty", new HandleType(WitKind.Borrow, "r", 1), new WrpcHandle(ReadOnlyMemory<byte>.Empty, owned: false));
        Add("future<u32> ready", FutureU32, WrpcFuture.Ready(WitValue.U32(300)));
        Add("future<u32> pending", FutureU32, WrpcFuture.Pending());
        Add("future ready", new AsyncValueType(WitKind.Future, null), WrpcFuture.Ready(null));
        Add("future<stream<u8>> ready, stream pending", new AsyncValueType(WitKind.Future, BodyStream), WrpcFuture.Ready(WrpcStream.Pending()));
        Add("stream<string> ready", new AsyncValueType(WitKind.Stream, WitType.String), WrpcStream.Ready(WitValue.List([Str("a"), Str("bc")])));
        Add("stream<u8> ready", BodyStream, WrpcStream.Ready(Bytes(9, 8, 7)));
        Add("stream<future<u32>> ready", new AsyncValueType(WitKind.Stream, FutureU32),
            WrpcStream.Ready(WitValue.List([WrpcFuture.Pending(), WrpcFuture.Ready(WitValue.U32(1)), WrpcFuture.Pending()])));
        Add("tuple<> and record {}", new TupleType([new TupleType([]), new RecordType([]), Flags(0)]),
            WitValue.Tuple(WitValue.Tuple(), WitValue.Record(), WitValue.Flags()));
        Add("list<tuple<>> of 3", new ListType(new TupleType([])), WitValue.List([WitValue.Tuple(), WitValue.Tuple(), WitValue.Tuple()]));
        Add("http request", WrpcTestKit.Request, WrpcVectors.HttpGetHello[0]);
        Add("everything", Everything, WitValue.Record(
            ("id", WitValue.U64(ulong.MaxValue - 1)), ("name", Str("ünïcødé")), ("tags", WitValue.List([Str("x"), Str("y")])),
            ("shapes", WitValue.List([WitValue.Variant("empty"), WitValue.Variant("rect", PointValue(3, 4, "")), WitValue.Variant("circle", WitValue.F32(1))])),
            ("color", WitValue.Enum("e199")), ("perms", WitValue.Flags("f9", "f0")),
            ("parent", WitValue.Some(WitValue.Tuple(WitValue.Char(new Rune(0x1f600)), WitValue.Err(Str("none"))))),
            ("blob", Bytes(0, 0xff)), ("matrix", WitValue.List([WitValue.List([WitValue.F64(1), WitValue.F64(-1)]), WitValue.List([])])),
            ("handle", new WrpcHandle(new byte[] { 1, 2, 3 }, owned: false))));
        return c;
    }

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Decodes_what_it_encodes_and_encodes_it_the_same_again(string name)
    {
        var (type, value) = Cases[name];
        var bytes = Encode(type, value);
        // Trailing bytes belong to whatever follows: the value stops where it ends.
        var withTail = bytes.Append((byte)0xee).ToArray();
        var result = WrpcDecoder.TryDecode(withTail, type, out var decoded);
        Assert.True(result.IsComplete);
        Assert.Equal(bytes.Length, result.Consumed);
        Assert.Equal(Show(value), Show(decoded));
        Assert.Equal(Hex(bytes), Hex(Encode(type, decoded!)));
    }

    [Fact]
    public void Encoding_allocates_nothing_per_value_only_a_small_path_stack()
    {
        var (type, value) = Cases["everything"];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        WrpcEncoder.Encode(buffer, type, value); // warm up
        buffer.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        WrpcEncoder.Encode(buffer, type, value);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 128);
    }

    [Fact]
    public void Two_byte_lengths_and_discriminants_are_leb128()
    {
        Assert.Equal("c8 01", Hex(Encode(WitType.String, Str(new string('x', 200))).AsSpan(0, 2)));
        Assert.Equal("96 01", Hex(Encode(Big, WitValue.Enum("e150"))));
        Assert.Equal("08 00 00 00 00 00 00 80 20", Hex(Encode(Flags(70), WitValue.Flags("f3", "f63", "f69"))));
        Assert.Equal("03", Hex(Encode(new ListType(new TupleType([])), WitValue.List([WitValue.Tuple(), WitValue.Tuple(), WitValue.Tuple()]))));
    }

    [Fact]
    public void List_of_u8_primitives_encodes_like_bytes_and_decodes_to_one_block()
    {
        var type = new ListType(WitType.U8);
        var asList = WitValue.List([WitValue.U8(1), WitValue.U8(2)]);
        Assert.Equal("02 01 02", Hex(Encode(type, asList)));
        Assert.IsType<WitBytes>(WrpcDecoder.Decode(Hex("02 01 02"), type));
    }

    [Fact]
    public void Pending_values_inside_ready_streams_and_futures_get_element_and_parent_paths()
    {
        var (type, value) = Cases["stream<future<u32>> ready"];
        var outer = new WrpcPath(2, 1);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var encoded = WrpcEncoder.EncodeAt(buffer, type, value, outer);
        Assert.Equal(["2.1.0", "2.1.2"], encoded.Select(p => p.Path.ToString()));
        var decoded = WrpcDecoder.TryDecodeAt(buffer.WrittenSpan, type, outer, out _);
        Assert.Equal(["2.1.0", "2.1.2"], decoded.Pending.Select(p => p.Path.ToString()));

        // A future adds nothing to the path of what is inside it.
        var (ftype, fvalue) = Cases["future<stream<u8>> ready, stream pending"];
        Assert.Equal([""], WrpcEncoder.Encode(new System.Buffers.ArrayBufferWriter<byte>(), ftype, fvalue).Select(p => p.Path.ToString()));
    }
}
