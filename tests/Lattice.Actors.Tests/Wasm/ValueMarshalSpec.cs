using System.Text;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>Every WIT value kind goes into a real component and comes back unchanged.</summary>
public sealed class ValueMarshalSpec : IDisposable
{
    private const string Iface = "lattice:fixtures/types";
    private readonly ComponentLinker _linker = new(WasmHost.Engine);
    private readonly RecyclingInstance _instance;

    public ValueMarshalSpec() => _instance = new RecyclingInstance(_linker, WasmHost.Fixture("wat/types.wasm"));

    public void Dispose()
    {
        _instance.Dispose();
        _linker.Dispose();
    }

    private static WitValue Point(int x, int y, string label) =>
        WitValue.Record(("x", WitValue.S32(x)), ("y", WitValue.S32(y)), ("label", WitValue.String(label)));

    public static TheoryData<string, WitValue> Values() => new()
    {
        { "echo-bool", WitValue.Bool(true) },
        { "echo-s8", WitValue.S8(sbyte.MinValue) },
        { "echo-u8", WitValue.U8(byte.MaxValue) },
        { "echo-s16", WitValue.S16(-12345) },
        { "echo-u16", WitValue.U16(ushort.MaxValue) },
        { "echo-s32", WitValue.S32(int.MinValue) },
        { "echo-u32", WitValue.U32(uint.MaxValue) },
        { "echo-s64", WitValue.S64(long.MinValue) },
        { "echo-u64", WitValue.U64(ulong.MaxValue) },
        { "echo-f32", WitValue.F32(1.25f) },
        { "echo-f32", WitValue.F32(float.NaN) },
        { "echo-f64", WitValue.F64(-0.1) },
        { "echo-f64", WitValue.F64(double.PositiveInfinity) },
        { "echo-char", WitValue.Char(new Rune(0x1F6A9)) },
        { "echo-string", WitValue.String("héllo 🚩") },
        { "echo-string", WitValue.String("") },
        { "echo-bytes", WitValue.Bytes(new byte[] { 0, 1, 254, 255 }) },
        { "echo-list", WitValue.List([WitValue.String("a"), WitValue.String(""), WitValue.String("ccc")]) },
        { "echo-list", WitValue.List([]) },
        { "echo-record", Point(-1, 2, "p") },
        { "echo-tuple", WitValue.Tuple(WitValue.U8(7), WitValue.String("t"), WitValue.F64(2.5)) },
        { "echo-variant", WitValue.Variant("circle", WitValue.F32(3.5f)) },
        { "echo-variant", WitValue.Variant("rect", Point(1, 2, "r")) },
        { "echo-variant", WitValue.Variant("empty") },
        { "echo-enum", WitValue.Enum("blue") },
        { "echo-option", WitValue.Some(WitValue.String("x")) },
        { "echo-option", WitValue.None },
        { "echo-result", WitValue.Ok(WitValue.U32(5)) },
        { "echo-result", WitValue.Err(WitValue.String("bad")) },
        { "echo-flags", WitValue.Flags("read", "exec") },
        { "echo-flags", WitValue.Flags() },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Round_trips(string func, WitValue value)
    {
        var result = _instance.Call(Iface, func, value);
        WitValueAssert.Equal(value, result);
    }

    [Fact]
    public void Large_byte_lists_round_trip_in_bulk()
    {
        var bytes = new byte[64 * 1024];
        Random.Shared.NextBytes(bytes);
        var result = _instance.Call(Iface, "echo-bytes", WitValue.Bytes(bytes));
        Assert.IsType<WitBytes>(result); // one array, not 65536 objects
        Assert.True(bytes.AsSpan().SequenceEqual(result!.AsBytes().Span));
    }

    [Fact]
    public void A_wrong_argument_is_refused_before_the_call_and_keeps_the_instance()
    {
        Assert.Equal(5u, _instance.Call(Iface, "add", WitValue.U32(2), WitValue.U32(3))!.AsU32());
        var generation = _instance.Generation;

        var e = Assert.Throws<WitTypeMismatchException>(() => _instance.Call(Iface, "add", WitValue.S32(2), WitValue.U32(3)));
        Assert.Contains("parameter 'a'", e.Message);
        Assert.Contains("expected u32, got s32", e.Message);

        var nested = Assert.Throws<WitTypeMismatchException>(() => _instance.Call(Iface, "echo-record",
            WitValue.Record(("x", WitValue.S32(1)), ("y", WitValue.S32(2)), ("label", WitValue.U32(3)))));
        Assert.Contains("field 'label': expected string, got u32", nested.Message);

        Assert.Throws<WitTypeMismatchException>(() => _instance.Call(Iface, "echo-variant", WitValue.Variant("square")));
        Assert.Throws<WitTypeMismatchException>(() => _instance.Call(Iface, "add", WitValue.U32(2)));

        Assert.Equal(9u, _instance.Call(Iface, "add", WitValue.U32(4), WitValue.U32(5))!.AsU32());
        Assert.Equal(generation, _instance.Generation); // the store survived every refusal
    }

    [Fact]
    public void Unknown_exports_are_named_in_the_error()
    {
        var e = Assert.Throws<ExportNotFoundException>(() => _instance.Call(Iface, "nope"));
        Assert.Contains("echo-string", e.Message);
        var iface = Assert.Throws<ExportNotFoundException>(() => _instance.Call("x:y/z", "add"));
        Assert.Contains(Iface, iface.Message);
    }
}
