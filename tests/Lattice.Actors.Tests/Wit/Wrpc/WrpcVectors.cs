using System.Text;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using static Lattice.Tests.Wit.Wrpc.WrpcTestKit;

namespace Lattice.Tests.Wit.Wrpc;

/// <summary>A value, its type and its exact bytes.</summary>
internal sealed record WrpcVector(string Name, WitType Type, WitValue Value, string Hex);

/// <summary>
/// Every byte vector of the protocol spec: §2.3 (upstream and derived), and the §1.7 / §1.8 worked
/// examples' result payloads. (The params payloads, which are tuples, are tested in WrpcVectorSpec.)
/// </summary>
internal static class WrpcVectors
{
    private static readonly EnumType Color = new(["red", "green", "blue"]);
    private static readonly FlagsType Rwx = new(["read", "write", "exec"]);
    private static readonly FlagsType Show3 = new(["show-a", "show-b", "show-c"]);
    private static readonly FlagsType Sixteen = new(Enumerable.Range(0, 16).Select(i => $"f{i}").ToList());
    private static readonly HandleType Bucket = new(WitKind.Own, "bucket", 1);

    public static readonly WrpcVector[] All =
    [
        // upstream (wrpc v0.15.0)
        new("tuple<u8, u32> (0x42, 0x42)", new TupleType([WitType.U8, WitType.U32]), WitValue.Tuple(WitValue.U8(0x42), WitValue.U32(0x42)), "42 42"),
        new("flags show-a|show-c", Show3, WitValue.Flags("show-a", "show-c"), "05"),

        // derived, §2.3
        new("bool true", WitType.Bool, WitValue.Bool(true), "01"),
        new("bool false", WitType.Bool, WitValue.Bool(false), "00"),
        new("u8 255", WitType.U8, WitValue.U8(255), "ff"),
        new("s8 -1", WitType.S8, WitValue.S8(-1), "ff"),
        new("s8 -128", WitType.S8, WitValue.S8(-128), "80"),
        new("u16 300", WitType.U16, WitValue.U16(300), "ac 02"),
        new("u16 65535", WitType.U16, WitValue.U16(65535), "ff ff 03"),
        new("s16 -1", WitType.S16, WitValue.S16(-1), "7f"),
        new("s32 63", WitType.S32, WitValue.S32(63), "3f"),
        new("s32 64", WitType.S32, WitValue.S32(64), "c0 00"),
        new("s32 -64", WitType.S32, WitValue.S32(-64), "40"),
        new("s32 -65", WitType.S32, WitValue.S32(-65), "bf 7f"),
        new("s32 -129", WitType.S32, WitValue.S32(-129), "ff 7e"),
        new("s32 min", WitType.S32, WitValue.S32(int.MinValue), "80 80 80 80 78"),
        new("u32 624485", WitType.U32, WitValue.U32(624485), "e5 8e 26"),
        new("u32 max", WitType.U32, WitValue.U32(uint.MaxValue), "ff ff ff ff 0f"),
        new("u64 max", WitType.U64, WitValue.U64(ulong.MaxValue), "ff ff ff ff ff ff ff ff ff 01"),
        new("s64 min", WitType.S64, WitValue.S64(long.MinValue), "80 80 80 80 80 80 80 80 80 7f"),
        new("f32 1.5", WitType.F32, WitValue.F32(1.5f), "00 00 c0 3f"),
        new("f64 1.5", WitType.F64, WitValue.F64(1.5), "00 00 00 00 00 00 f8 3f"),
        new("f64 -2.25", WitType.F64, WitValue.F64(-2.25), "00 00 00 00 00 00 02 c0"),
        new("char a", WitType.Char, WitValue.Char(new Rune('a')), "61"),
        new("char euro", WitType.Char, WitValue.Char(new Rune(0x20ac)), "e2 82 ac"),
        new("char U+1F600", WitType.Char, WitValue.Char(new Rune(0x1f600)), "f0 9f 98 80"),
        new("string empty", WitType.String, Str(""), "00"),
        new("string hello", WitType.String, Str("hello"), "05 68 65 6c 6c 6f"),
        new("list<u8> [1,2,3]", new ListType(WitType.U8), Bytes(1, 2, 3), "03 01 02 03"),
        new("list<string> [a,b]", new ListType(WitType.String), WitValue.List([Str("a"), Str("b")]), "02 01 61 01 62"),
        new("list<u32> [300]", new ListType(WitType.U32), WitValue.List([WitValue.U32(300)]), "01 ac 02"),
        new("option<u32> none", new OptionType(WitType.U32), WitValue.None, "00"),
        new("option<u32> some(42)", new OptionType(WitType.U32), WitValue.Some(WitValue.U32(42)), "01 2a"),
        new("result<string,u32> ok", new ResultType(WitType.String, WitType.U32), WitValue.Ok(Str("fine")), "00 04 66 69 6e 65"),
        new("result<string,u32> err", new ResultType(WitType.String, WitType.U32), WitValue.Err(WitValue.U32(7)), "01 07"),
        new("result<_,string> ok", new ResultType(null, WitType.String), WitValue.UnitOk, "00"),
        new("enum green", Color, WitValue.Enum("green"), "01"),
        new("variant other(boom)", KvError, WitValue.Variant("other", Str("boom")), "02 04 62 6f 6f 6d"),
        new("variant no-such-store", KvError, WitValue.Variant("no-such-store"), "00"),
        new("flags read|exec", Rwx, WitValue.Flags("read", "exec"), "05"),
        new("flags 16, bits 0 and 8", Sixteen, WitValue.Flags("f0", "f8"), "01 01"),
        new("record key-response", KeyResponse, WitValue.Record(("keys", WitValue.List([Str("a")])), ("cursor", WitValue.None)), "01 01 61 00"),
        new("own<bucket> deadbeef", Bucket, new WrpcHandle(Hex("deadbeef")), "04 de ad be ef"),
        new("future pending", new AsyncValueType(WitKind.Future, WitType.U32), WrpcFuture.Pending(), "00"),
        new("stream pending", BodyStream, WrpcStream.Pending(), "00"),

        // §1.7 wrpc:keyvalue/store.get results
        new("kv get ok(some(value))", KvGetResult, WitValue.Ok(WitValue.Some(Bytes("value"u8.ToArray()))), "00 01 05 76 61 6c 75 65"),
        new("kv get ok(none)", KvGetResult, WitValue.Ok(WitValue.None), "00 00"),
        new("kv get err(other(x))", KvGetResult, WitValue.Err(WitValue.Variant("other", Str("x"))), "01 02 01 78"),

        // §1.8 wrpc:http/incoming-handler.handle result
        new("http response 200 text/plain", HandleResult, WitValue.Ok(WitValue.Record(
            ("body", WrpcStream.Pending()), ("trailers", WrpcFuture.Pending()), ("status", WitValue.U16(200)),
            ("headers", WitValue.List([Header("content-type", "text/plain")])))),
            "00 00 00 c8 01 01 0c 63 6f 6e 74 65 6e 74 2d 74 79 70 65 01 0a 74 65 78 74 2f 70 6c 61 69 6e"),
    ];

    public static readonly Dictionary<string, WrpcVector> ByName = All.ToDictionary(v => v.Name);

    public static IEnumerable<object[]> Names => All.Select(v => new object[] { v.Name });

    // §1.7 and §1.8 params payloads (tuples of params).
    public static readonly WitType[] KvGetParams = [WitType.String, WitType.String];
    public static readonly WitValue[] KvGetArgs = [Str("bucket1"), Str("key")];
    public const string KvGetHex = "07 62 75 63 6b 65 74 31 03 6b 65 79";

    public static readonly WitType[] HttpHandleParams = [Request];
    public static readonly WitValue[] HttpGetHello =
    [
        WitValue.Record(
            ("body", WrpcStream.Pending()), ("trailers", WrpcFuture.Pending()), ("method", WitValue.Variant("get")),
            ("path-with-query", WitValue.Some(Str("/hello"))), ("scheme", WitValue.Some(WitValue.Variant("HTTP"))),
            ("authority", WitValue.Some(Str("localhost:8080"))), ("headers", WitValue.List([Header("host", "localhost:8080")]))),
    ];
    public const string HttpGetHelloHex =
        "00 00 00 01 06 2f 68 65 6c 6c 6f 01 00 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30 01 04 68 6f 73 74 01 0e 6c 6f 63 61 6c 68 6f 73 74 3a 38 30 38 30";
}
