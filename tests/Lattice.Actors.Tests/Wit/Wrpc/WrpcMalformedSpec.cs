using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>Bad bytes and bad values: one clear line naming the path, the problem and the offset; no allocation for lies.</summary>
public class WrpcMalformedSpec
{
    private static readonly RecordType Item = new([new("id", WitType.U32), new("name", WitType.String)]);
    private static readonly RecordType Page = new([new("items", new ListType(Item))]);
    private static readonly HandleType Res = new(WitKind.Own, "res", 1);

    private static readonly Dictionary<string, (WitType Type, string Hex, string Message)> Cases = new()
    {
        ["bool 2"] = (WitType.Bool, "02", "value: invalid bool byte 0x02 (at byte 0)"),
        ["option tag 2"] = (new OptionType(WitType.U8), "02 00", "value: invalid option tag 0x02 (at byte 0)"),
        ["result tag ff"] = (new ResultType(null, null), "ff", "value: invalid result tag 0xff (at byte 0)"),
        ["future tag 2"] = (new AsyncValueType(WitKind.Future, WitType.U8), "02", "value: invalid future tag 0x02 (at byte 0)"),
        ["u32 overlong zero"] = (WitType.U32, "80 00", "value: overlong LEB128 u32 (not the shortest encoding) (at byte 1)"),
        ["u64 overlong one"] = (WitType.U64, "81 80 00", "value: overlong LEB128 u64 (not the shortest encoding) (at byte 2)"),
        ["u32 overflow"] = (WitType.U32, "ff ff ff ff 1f", "value: LEB128 u32 overflows its width (at byte 4)"),
        ["u32 six bytes"] = (WitType.U32, "80 80 80 80 80 00", "value: LEB128 u32 is longer than its width allows (at byte 4)"),
        ["u16 overflow"] = (WitType.U16, "ff ff 04", "value: LEB128 u16 overflows its width (at byte 2)"),
        ["u64 overflow"] = (WitType.U64, "ff ff ff ff ff ff ff ff ff 02", "value: LEB128 u64 overflows its width (at byte 9)"),
        ["s32 overlong -1"] = (WitType.S32, "ff 7f", "value: overlong LEB128 s32 (not the shortest encoding) (at byte 1)"),
        ["s32 overlong 0"] = (WitType.S32, "80 00", "value: overlong LEB128 s32 (not the shortest encoding) (at byte 1)"),
        ["s32 overflow"] = (WitType.S32, "80 80 80 80 70", "value: LEB128 s32 overflows its width (at byte 4)"),
        ["s16 overflow"] = (WitType.S16, "80 80 02", "value: LEB128 s16 overflows its width (at byte 2)"),
        ["s64 overflow"] = (WitType.S64, "80 80 80 80 80 80 80 80 80 01", "value: LEB128 s64 overflows its width (at byte 9)"),
        ["char surrogate"] = (WitType.Char, "ed a0 80", "value: invalid UTF-8 in char (at byte 0)"),
        ["char overlong"] = (WitType.Char, "c0 80", "value: invalid UTF-8 in char (at byte 0)"),
        ["char beyond U+10FFFF"] = (WitType.Char, "f4 90 80 80", "value: invalid UTF-8 in char (at byte 0)"),
        ["char continuation byte"] = (WitType.Char, "80", "value: invalid UTF-8 in char (at byte 0)"),
        ["string invalid UTF-8"] = (WitType.String, "03 61 ff 62", "value: invalid UTF-8 (at byte 2)"),
        ["string length overlong"] = (WitType.String, "81 00 61", "value: overlong LEB128 string length (not the shortest encoding) (at byte 1)"),
        ["variant unknown case"] = (KvError, "03", "value: unknown variant case 3 (the variant has 3) (at byte 0)"),
        ["variant huge case"] = (KvError, "ff ff ff ff 0f", "value: unknown variant case 4294967295 (the variant has 3) (at byte 0)"),
        ["enum unknown case"] = (new EnumType(["a", "b"]), "02", "value: unknown enum case 2 (the enum has 2) (at byte 0)"),
        ["flags bit 3 of 3"] = (new FlagsType(["a", "b", "c"]), "08", "value: flag bits beyond the 3 flag(s) of the type are set (at byte 0)"),
        ["flags bit 9 of 9"] = (new FlagsType(Enumerable.Range(0, 9).Select(i => $"f{i}").ToList()), "00 02", "value: flag bits beyond the 9 flag(s) of the type are set (at byte 1)"),
        ["list count 2^32-1"] = (new ListType(WitType.U32), "ff ff ff ff 0f",
            "value: a list of 4294967295 elements needs at least 4294967300 bytes from the value's start, more than the 67108864-byte limit (at byte 5)"),
        ["string length 2^32-1"] = (WitType.String, "ff ff ff ff 0f 61",
            "value: a string of 4294967295 bytes needs at least 4294967300 bytes from the value's start, more than the 67108864-byte limit (at byte 5)"),
        ["list<u8> count 2^31"] = (new ListType(WitType.U8), "80 80 80 80 08",
            "value: a list of 2147483648 bytes needs at least 2147483653 bytes from the value's start, more than the 67108864-byte limit (at byte 5)"),
        ["handle length 2^32-1"] = (Res, "ff ff ff ff 0f",
            "value: a handle of 4294967295 bytes needs at least 4294967300 bytes from the value's start, more than the 67108864-byte limit (at byte 5)"),
        ["nested path"] = (new TupleType([WitType.Bool, new ResultType(Page, WitType.String)]), "01 00 02 01 01 61 02 02 62 ff",
            "value[1].ok.items[1].name: invalid UTF-8 (at byte 9)"),
        ["error in a variant payload"] = (KvGetResult, "01 02 01 c3", "value.err.other: invalid UTF-8 (at byte 3)"),
        ["error in option and future"] = (new OptionType(new AsyncValueType(WitKind.Future, WitType.Bool)), "01 01 07", "value.some.value: invalid bool byte 0x07 (at byte 2)"),
        ["error in a ready stream element"] = (new AsyncValueType(WitKind.Stream, WitType.Char), "02 61 ff", "value[1]: invalid UTF-8 in char (at byte 2)"),
        ["map"] = (new MapType(WitType.String, WitType.U32), "00", "value: map<string, u32> has no wRPC 0.0.1 encoding (at byte 0)"),
        ["untyped stream"] = (new AsyncValueType(WitKind.Stream, null), "00", "value: a stream without an element type has no wRPC 0.0.1 encoding (at byte 0)"),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Is_rejected_with_one_clear_line(string name)
    {
        var (type, hex, message) = Cases[name];
        var bytes = Hex(hex);
        var e = Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecode(bytes, type, out _));
        Assert.Equal(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // With more bytes after it the error is the same: it depends only on the bytes it names.
        Assert.Equal(message, Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecode([.. bytes, 0, 0, 0, 0, 0], type, out _)).Message);
    }

    [Fact]
    public void The_path_of_params_and_results_starts_with_their_name()
    {
        var types = new WitType[] { WitType.U32, new ResultType(Page, WitType.String) };
        var bytes = Hex("07 00 04 01 01 61 02 01 62 03 01 63 04 02 64 ff");
        var e = Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecodeValues(bytes, types, out _, root: "results"));
        Assert.Equal("results[1].ok.items[3].name: invalid UTF-8 (at byte 15)", e.Message);
        Assert.Equal("results[1].ok.items[3].name", e.Path);
        Assert.Equal(15, e.Offset);
    }

    [Fact]
    public void A_huge_count_with_a_huge_limit_waits_for_the_bytes_instead_of_allocating()
    {
        var options = new WrpcOptions { MaxValueBytes = long.MaxValue };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = WrpcDecoder.TryDecode(Hex("ff ff ff ff 0f"), new ListType(WitType.U64), out var value, options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(result.IsComplete);
        Assert.Null(value);
        Assert.Equal(5 + 4294967295L, result.MinimumLength);
        Assert.True(allocated < 4096, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Lists_of_zero_size_elements_are_bounded_by_count()
    {
        var type = new ListType(new TupleType([]));
        var e = Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecode(Hex("81 80 04"), type, out _));
        Assert.Equal("value: a list of 65537 zero-size elements is more than the limit of 65536 (at byte 3)", e.Message);
        Assert.Equal(65536, ((WitList)WrpcDecoder.Decode(Hex("80 80 04"), type)).Items.Count);
    }

    [Fact]
    public void Decode_wants_exactly_one_value()
    {
        Assert.Equal("value: 1 byte(s) left over after the value (at byte 1)",
            Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.Decode(Hex("01 01"), WitType.Bool)).Message);
        Assert.Equal("params: the input ends after 2 byte(s), inside the value (it needs at least 5) (at byte 2)",
            Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.DecodeValues(Hex("01 03"), [WitType.Bool, WitType.String], root: "params")).Message);
    }

    [Fact]
    public void A_smaller_value_limit_applies_to_every_length()
    {
        var options = new WrpcOptions { MaxValueBytes = 8 };
        Assert.Equal("value: a string of 9 bytes needs at least 10 bytes from the value's start, more than the 8-byte limit (at byte 1)",
            Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecode(Encode(WitType.String, Str("123456789")), WitType.String, out _, options)).Message);
        // Many small elements: no single length lies, but the value outgrows the limit.
        var type = new ListType(new OptionType(WitType.U32));
        var list = Encode(type, WitValue.List(Enumerable.Repeat(WitValue.Some(WitValue.U32(300)), 3).ToList()));
        Assert.Equal("value[2].some: the value needs at least 9 bytes, more than the 8-byte limit (at byte 8)",
            Assert.Throws<WrpcDecodeException>(() => WrpcDecoder.TryDecode(list, type, out _, options)).Message);
    }

    // --- encoding ---------------------------------------------------------------------------

    [Fact]
    public void A_value_of_the_wrong_type_names_its_path()
    {
        var types = new WitType[] { WitType.String, Page };
        var values = new[] { Str("ok"), WitValue.Record(("items", WitValue.List([WitValue.Record(("id", WitValue.U32(1)), ("name", WitValue.U32(2)))]))) };
        var e = Assert.Throws<WrpcEncodeException>(() => EncodeValues(types, values));
        Assert.Equal("values[1].items[0].name: expected string, got u32", e.Message);
    }

    [Theory]
    [InlineData("lone surrogate", "value: the string holds a lone UTF-16 surrogate, which has no UTF-8 form")]
    [InlineData("empty ready stream", "value: a ready stream must not be empty (send it pending, then the end marker)")]
    [InlineData("unknown flag", "value: 'x' is not a flag of flags { a }")]
    [InlineData("unknown case", "value: 'nope' is not a case of variant { no-such-store, access-denied, other(string) }")]
    [InlineData("missing payload", "value: case 'other' needs a string payload")]
    [InlineData("u16 out of range", "value: 70000 is out of u16 range")]
    [InlineData("s8 out of range", "value: 200 is out of s8 range")]
    [InlineData("not a scalar", "value: U+D800 is not a Unicode scalar value")]
    [InlineData("record fields", "value: expected fields {id, name}, got {name, id}")]
    [InlineData("borrow for own", "value: expected an owned res handle, got a borrow")]
    [InlineData("local resource", "value: a local resource cannot be sent without WrpcOptions.ExportResource")]
    [InlineData("map", "value: map<string, u8> has no wRPC 0.0.1 encoding")]
    [InlineData("result payload", "value: ok has no payload in result<_, string>")]
    public void A_value_that_cannot_be_encoded_is_one_clear_line(string name, string message)
    {
        (WitType type, WitValue value) = name switch
        {
            "lone surrogate" => (WitType.String, Str("a\ud800b")),
            "empty ready stream" => (BodyStream, WrpcStream.Ready(Bytes())),
            "unknown flag" => (new FlagsType(["a"]), WitValue.Flags("x")),
            "unknown case" => (KvError, WitValue.Variant("nope")),
            "missing payload" => (KvError, WitValue.Variant("other")),
            "u16 out of range" => (WitType.U16, new WitPrimitive(WitKind.U16, 70000)),
            "s8 out of range" => (WitType.S8, new WitPrimitive(WitKind.S8, 200)),
            "not a scalar" => (WitType.Char, new WitPrimitive(WitKind.Char, 0xd800)),
            "record fields" => (Item, WitValue.Record(("name", Str("a")), ("id", WitValue.U32(1)))),
            "borrow for own" => (Res, new WrpcHandle(new byte[] { 1 }, owned: false)),
            "local resource" => (Res, Lattice.Wit.WitResource.Host(new Lattice.Wasm.HostResourceType("res"), 1, owned: true)),
            "map" => (new MapType(WitType.String, WitType.U8), WitValue.List([])),
            "result payload" => (new ResultType(null, WitType.String), WitValue.Ok(Str("x"))),
            _ => throw new ArgumentException(name),
        };
        Assert.Equal(message, Assert.Throws<WrpcEncodeException>(() => Encode(type, value)).Message);
    }

    [Fact]
    public void A_local_resource_is_sent_as_the_bytes_the_exporter_gives()
    {
        var resource = Lattice.Wit.WitResource.Host(new Lattice.Wasm.HostResourceType("res"), 7, owned: true);
        var id = Guid.CreateVersion7();
        var options = new WrpcOptions { ExportResource = (r, t) => r.Rep == 7 && t == Res ? id.ToByteArray() : throw new InvalidOperationException() };
        var bytes = Encode(Res, resource, options);
        Assert.Equal(17, bytes.Length);
        Assert.Equal(0x10, bytes[0]);
        var handle = (WrpcHandle)WrpcDecoder.Decode(bytes, Res);
        Assert.True(handle.TryGetGuid(out var back));
        Assert.Equal(id, back);
    }
}
