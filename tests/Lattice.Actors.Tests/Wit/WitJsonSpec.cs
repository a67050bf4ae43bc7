using System.Text;
using System.Text.Json.Nodes;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wit;

/// <summary>The corpus's JSON value convention, both ways, and every way JSON can fail to fit a type.</summary>
public class WitJsonSpec
{
    private static readonly RecordType Point = new([new("x", WitType.S32), new("y", WitType.S32), new("label", WitType.String)]);
    private static readonly VariantType Shape = new([new("circle", WitType.F32), new("rect", Point), new("empty", null)]);
    private static readonly EnumType Color = new(["red", "green", "blue"]);
    private static readonly FlagsType Perms = new(["read", "write", "exec"]);
    private static readonly OptionType OptionOfOption = new(new OptionType(WitType.U32));

    private static readonly Dictionary<string, WitType> Types = new()
    {
        ["bool"] = WitType.Bool, ["s8"] = WitType.S8, ["u8"] = WitType.U8, ["s16"] = WitType.S16, ["u16"] = WitType.U16,
        ["s32"] = WitType.S32, ["u32"] = WitType.U32, ["s64"] = WitType.S64, ["u64"] = WitType.U64,
        ["f32"] = WitType.F32, ["f64"] = WitType.F64, ["char"] = WitType.Char, ["string"] = WitType.String,
        ["list<u8>"] = new ListType(WitType.U8), ["list<string>"] = new ListType(WitType.String),
        ["point"] = Point, ["shape"] = Shape, ["color"] = Color, ["perms"] = Perms,
        ["tuple<u8, string, f64>"] = new TupleType([WitType.U8, WitType.String, WitType.F64]),
        ["option<string>"] = new OptionType(WitType.String),
        ["option<option<u32>>"] = OptionOfOption,
        ["option<option<option<u32>>>"] = new OptionType(OptionOfOption),
        ["result<u32, string>"] = new ResultType(WitType.U32, WitType.String),
        ["result"] = new ResultType(null, null),
        ["result<_, u8>"] = new ResultType(null, WitType.U8),
        ["list<option<s64>>"] = new ListType(new OptionType(WitType.S64)),
        ["own<box>"] = new HandleType(WitKind.Own, "box", 0),
        ["borrow<box>"] = new HandleType(WitKind.Borrow, "box", 0),
    };

    private static string RoundTrip(string type, string json) => WitJson.ToJson(WitJson.FromJson(json, Types[type]), Types[type]);

    [Theory]
    [InlineData("bool", "true")]
    [InlineData("bool", "false")]
    [InlineData("s8", "-128")]
    [InlineData("s8", "127")]
    [InlineData("u8", "255")]
    [InlineData("s16", "-32768")]
    [InlineData("u16", "65535")]
    [InlineData("s32", "-2147483648")]
    [InlineData("u32", "4294967295")]
    [InlineData("s64", "-9007199254740992")]
    [InlineData("s64", "\"-9223372036854775808\"")]
    [InlineData("s64", "\"9223372036854775807\"")]
    [InlineData("u64", "9007199254740992")]
    [InlineData("u64", "\"9007199254740993\"")]
    [InlineData("u64", "\"18446744073709551615\"")]
    [InlineData("f32", "1.2")]
    [InlineData("f32", "-0.5")]
    [InlineData("f32", "3.4028235E+38")]
    [InlineData("f32", "\"NaN\"")]
    [InlineData("f32", "\"Infinity\"")]
    [InlineData("f32", "\"-Infinity\"")]
    [InlineData("f64", "0.1")]
    [InlineData("f64", "1.7976931348623157E+308")]
    [InlineData("f64", "\"NaN\"")]
    [InlineData("f64", "\"-Infinity\"")]
    [InlineData("char", "\"a\"")]
    [InlineData("string", "\"hello, wörld\"")]
    [InlineData("string", "\"\"")]
    [InlineData("list<u8>", "[0,1,255]")]
    [InlineData("list<u8>", "[]")]
    [InlineData("list<string>", "[\"a\",\"\",\"c\"]")]
    [InlineData("point", "{\"x\":1,\"y\":-2,\"label\":\"p\"}")]
    [InlineData("shape", "{\"tag\":\"circle\",\"val\":1.5}")]
    [InlineData("shape", "{\"tag\":\"rect\",\"val\":{\"x\":1,\"y\":2,\"label\":\"r\"}}")]
    [InlineData("shape", "{\"tag\":\"empty\"}")]
    [InlineData("color", "\"green\"")]
    [InlineData("perms", "[]")]
    [InlineData("perms", "[\"read\",\"exec\"]")]
    [InlineData("tuple<u8, string, f64>", "[1,\"a\",2.5]")]
    [InlineData("option<string>", "null")]
    [InlineData("option<string>", "\"x\"")]
    [InlineData("option<option<u32>>", "null")]
    [InlineData("option<option<u32>>", "{\"some\":null}")]
    [InlineData("option<option<u32>>", "{\"some\":42}")]
    [InlineData("option<option<option<u32>>>", "{\"some\":{\"some\":null}}")]
    [InlineData("option<option<option<u32>>>", "{\"some\":{\"some\":7}}")]
    [InlineData("result<u32, string>", "{\"ok\":3}")]
    [InlineData("result<u32, string>", "{\"err\":\"no\"}")]
    [InlineData("result", "{\"ok\":null}")]
    [InlineData("result", "{\"err\":null}")]
    [InlineData("result<_, u8>", "{\"err\":9}")]
    [InlineData("list<option<s64>>", "[null,1,\"-18014398509481984\"]")]
    public void Reads_and_writes_canonical_json_unchanged(string type, string json) =>
        Assert.Equal(json, RoundTrip(type, json));

    [Theory]
    [InlineData("point", "{\"label\":\"p\",\"y\":2,\"x\":1}", "{\"x\":1,\"y\":2,\"label\":\"p\"}")]
    [InlineData("perms", "[\"exec\",\"read\"]", "[\"read\",\"exec\"]")]
    [InlineData("shape", "{\"tag\":\"empty\",\"val\":null}", "{\"tag\":\"empty\"}")]
    [InlineData("u64", "18446744073709551615", "\"18446744073709551615\"")]
    [InlineData("u64", "\"42\"", "42")]
    [InlineData("s64", "\"-7\"", "-7")]
    [InlineData("s64", "-9007199254740993", "\"-9007199254740993\"")]
    [InlineData("f32", "1.2000000476837158", "1.2")]
    [InlineData("f32", "1e-46", "0")]
    [InlineData("f64", "1E2", "100")]
    public void Accepts_other_spellings_and_writes_the_canonical_one(string type, string json, string canonical) =>
        Assert.Equal(canonical, RoundTrip(type, json));

    [Fact]
    public void Reads_list_of_u8_as_one_block_of_bytes()
    {
        var value = WitJson.FromJson("[1,2,3]", new ListType(WitType.U8));
        var bytes = Assert.IsType<WitBytes>(value);
        Assert.Equal(new byte[] { 1, 2, 3 }, bytes.Value.ToArray());
        Assert.Equal("[1,2,3]", WitJson.ToJson(WitValue.List([WitValue.U8(1), WitValue.U8(2), WitValue.U8(3)]), null));
    }

    [Fact]
    public void Keeps_u64_max_and_s64_min_exact()
    {
        Assert.Equal(ulong.MaxValue, WitJson.FromJson("\"18446744073709551615\"", WitType.U64).AsU64());
        Assert.Equal(long.MinValue, WitJson.FromJson("\"-9223372036854775808\"", WitType.S64).AsS64());
        Assert.Equal("\"18446744073709551615\"", WitJson.ToJson(WitValue.U64(ulong.MaxValue), WitType.U64));
        Assert.Equal("9007199254740992", WitJson.ToJson(WitValue.U64(1UL << 53), null));
        Assert.Equal("\"9007199254740993\"", WitJson.ToJson(WitValue.U64((1UL << 53) + 1), null));
    }

    [Fact]
    public void Keeps_nan_and_infinities_as_strings()
    {
        var nan = (WitPrimitive)WitJson.FromJson("\"NaN\"", WitType.F64);
        Assert.True(double.IsNaN(nan.AsDouble));
        Assert.True(float.IsNaN(((WitPrimitive)WitJson.FromJson("\"NaN\"", WitType.F32)).AsSingle));
        Assert.Equal("\"NaN\"", WitJson.ToJson(WitValue.F32(float.NaN), null));
        Assert.Equal("\"Infinity\"", WitJson.ToJson(WitValue.F64(double.PositiveInfinity), null));
        Assert.Equal("\"-Infinity\"", WitJson.ToJson(WitValue.F32(float.NegativeInfinity), WitType.F32));
    }

    [Fact]
    public void Prints_f32_at_single_precision()
    {
        Assert.Equal("1.2", WitJson.ToJson(WitValue.F32(1.2f), WitType.F32));
        Assert.Equal("0.1", WitJson.ToJson(WitValue.F32(0.1f), WitType.F32));
        Assert.Equal(1.2f, ((WitPrimitive)WitJson.FromJson("1.2", WitType.F32)).AsSingle);
    }

    [Fact]
    public void Reads_and_writes_astral_characters()
    {
        var flag = WitJson.FromJson("\"🚩\"", WitType.Char);
        Assert.Equal(0x1F6A9UL, ((WitPrimitive)flag).Bits);
        var escaped = WitJson.FromJson("\"\\ud83d\\udea9\"", WitType.Char);
        Assert.Equal(0x1F6A9UL, ((WitPrimitive)escaped).Bits);
        Assert.Equal("🚩", JsonNode.Parse(WitJson.ToJson(flag, WitType.Char))!.GetValue<string>());

        var text = "a🚩b\u4e2d";
        Assert.Equal(text, JsonNode.Parse(WitJson.ToJson(WitJson.FromJson(JsonValue.Create(text).ToJsonString(), WitType.String), null))!.GetValue<string>());
    }

    [Fact]
    public void Writes_values_without_a_type()
    {
        var value = WitValue.Record(
            ("p", WitValue.Some(WitValue.Some(WitValue.U32(1)))),
            ("q", WitValue.Variant("c", WitValue.Tuple(WitValue.Char(new Rune('x')), WitValue.Enum("e")))),
            ("r", WitValue.Err(WitValue.Flags("a"))),
            ("s", WitValue.Ok()));
        Assert.Equal("{\"p\":{\"some\":1},\"q\":{\"tag\":\"c\",\"val\":[\"x\",\"e\"]},\"r\":{\"err\":[\"a\"]},\"s\":{\"ok\":null}}", WitJson.ToJson(value, null));
        Assert.Equal("null", WitJson.ToJson(null, null));
    }

    [Fact]
    public void Writes_resource_handles_as_descriptions()
    {
        var handle = WitResource.Host(7, 3, owned: true);
        Assert.Equal("{\"$handle\":\"own<box>#3\"}", WitJson.ToJson(handle, Types["own<box>"]));
        Assert.Equal("{\"$handle\":\"borrow<host#7>#3\"}", WitJson.ToJson(handle.AsBorrow(), null));
    }

    // --- errors ----------------------------------------------------------------------------

    [Theory]
    // wrong kind
    [InlineData("bool", "1", "expected true or false, got 1")]
    [InlineData("s32", "\"abc\"", "expected an integer in s32 range, got \"abc\"")]
    [InlineData("u32", "\"7\"", "expected an integer in u32 range, got \"7\"")]
    [InlineData("u8", "1.5", "expected an integer in u8 range, got 1.5")]
    [InlineData("f64", "\"nan\"", "expected a number (or \"NaN\", \"Infinity\", \"-Infinity\") in f64 range, got \"nan\"")]
    [InlineData("string", "3", "expected a string, got 3")]
    [InlineData("list<string>", "\"a\"", "expected an array for list<string>, got \"a\"")]
    [InlineData("point", "[1,2]", "expected an object with fields {x, y, label}, got [1,2]")]
    [InlineData("tuple<u8, string, f64>", "[1,\"a\"]", "expected an array of 3 element(s) for tuple<u8, string, f64>, got [1,\"a\"]")]
    [InlineData("color", "0", "expected one of \"red\", \"green\", \"blue\", got 0")]
    [InlineData("perms", "\"read\"", "expected an array of flag names (read, write, exec), got \"read\"")]
    [InlineData("result<u32, string>", "3", "expected {\"ok\": ...} or {\"err\": ...} for result<u32, string>, got 3")]
    [InlineData("result<u32, string>", "{\"ok\":1,\"err\":\"x\"}", "expected {\"ok\": ...} or {\"err\": ...} for result<u32, string>, got {\"ok\":1,\"err\":\"x\"}")]
    [InlineData("result", "{\"ok\":1}", "ok has no payload in result, got 1")]
    // out of range, per width
    [InlineData("s8", "128", "expected an integer in s8 range, got 128")]
    [InlineData("s8", "-129", "expected an integer in s8 range, got -129")]
    [InlineData("u8", "256", "expected an integer in u8 range, got 256")]
    [InlineData("u8", "-1", "expected an integer in u8 range, got -1")]
    [InlineData("s16", "32768", "expected an integer in s16 range, got 32768")]
    [InlineData("u16", "65536", "expected an integer in u16 range, got 65536")]
    [InlineData("s32", "2147483648", "expected an integer in s32 range, got 2147483648")]
    [InlineData("u32", "4294967296", "expected an integer in u32 range, got 4294967296")]
    [InlineData("u32", "-1", "expected an integer in u32 range, got -1")]
    [InlineData("s64", "\"9223372036854775808\"", "expected an integer in s64 range, got \"9223372036854775808\"")]
    [InlineData("u64", "\"18446744073709551616\"", "expected an integer in u64 range, got \"18446744073709551616\"")]
    [InlineData("u64", "-1", "expected an integer in u64 range, got -1")]
    [InlineData("u64", "\"-1\"", "expected an integer in u64 range, got \"-1\"")]
    [InlineData("f32", "1e39", "expected a number in f32 range, got 1e39")]
    // characters
    [InlineData("char", "\"ab\"", "expected a string of exactly one character, got \"ab\"")]
    [InlineData("char", "\"\"", "expected a string of exactly one character, got \"\"")]
    [InlineData("char", "\"\\ud800\"", "expected a string of exactly one character, got \"\\ud800\"")]
    // names
    [InlineData("shape", "{\"tag\":\"hex\"}", "unknown case 'hex' (cases: circle, rect, empty)")]
    [InlineData("shape", "{\"val\":1}", "a variant needs \"tag\": one of circle, rect, empty")]
    [InlineData("shape", "{\"tag\":\"circle\"}", "case 'circle' needs \"val\" (f32)")]
    [InlineData("shape", "{\"tag\":\"empty\",\"val\":1}", "case 'empty' has no payload, got \"val\": 1")]
    [InlineData("shape", "{\"tag\":\"empty\",\"value\":1}", "unexpected key 'value' in a variant (only \"tag\" and \"val\")")]
    [InlineData("color", "\"purple\"", "expected one of \"red\", \"green\", \"blue\", got \"purple\"")]
    [InlineData("perms", "[\"read\",\"fly\"]", "unknown flag 'fly' (flags: read, write, exec)")]
    [InlineData("perms", "[\"read\",\"read\"]", "flag 'read' given twice")]
    [InlineData("point", "{\"x\":1,\"label\":\"p\"}", "missing field 'y' (fields: x, y, label)")]
    [InlineData("point", "{\"x\":1,\"y\":2,\"label\":\"p\",\"z\":3}", "unknown field 'z' (fields: x, y, label)")]
    [InlineData("point", "{\"x\":1,\"x\":1,\"y\":2,\"label\":\"p\"}", "field 'x' given twice")]
    [InlineData("option<option<u32>>", "42", "expected null or {\"some\": value} for option<option<u32>>, got 42")]
    // handles
    [InlineData("own<box>", "{\"$handle\":\"b\"}", "resource handles cannot be given as JSON")]
    [InlineData("borrow<box>", "1", "resource handles cannot be given as JSON")]
    public void Rejects_json_that_does_not_fit(string type, string json, string message)
    {
        var e = Assert.Throws<WitJsonException>(() => WitJson.FromJson(json, Types[type]));
        Assert.Equal(message, e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Theory]
    [InlineData("point", "{\"x\":\"abc\",\"y\":1,\"label\":\"\"}", "argument 2 (point), field 'x': expected an integer in s32 range, got \"abc\"")]
    [InlineData("list<string>", "[\"a\",1]", "argument 2 (point), element 1: expected a string, got 1")]
    [InlineData("list<u8>", "[1,300]", "argument 2 (point), element 1: expected an integer in u8 range, got 300")]
    [InlineData("shape", "{\"tag\":\"rect\",\"val\":{\"x\":1,\"y\":2,\"label\":false}}", "argument 2 (point), case 'rect', field 'label': expected a string, got false")]
    [InlineData("tuple<u8, string, f64>", "[1,\"a\",\"b\"]", "argument 2 (point), tuple element 2: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\") in f64 range, got \"b\"")]
    [InlineData("option<option<u32>>", "{\"some\":-1}", "argument 2 (point), some, some: expected an integer in u32 range, got -1")]
    [InlineData("result<u32, string>", "{\"err\":1}", "argument 2 (point), err: expected a string, got 1")]
    [InlineData("list<option<s64>>", "[null,\"x\"]", "argument 2 (point), element 1, some: expected an integer in s64 range, got \"x\"")]
    [InlineData("u8", "{", "argument 2 (point): invalid JSON (Expected depth to be zero at the end of the JSON payload)")]
    public void Names_the_path_to_the_bad_part(string type, string json, string message)
    {
        var e = Assert.Throws<WitJsonException>(() => WitJson.FromJson(json, Types[type], "argument 2 (point)"));
        Assert.Equal(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Shortens_long_json_in_messages()
    {
        var e = Assert.Throws<WitJsonException>(() => WitJson.FromJson(new string('x', 200).Insert(0, "\"") + "\"", WitType.U8));
        Assert.True(e.Message.Length < 100, e.Message);
        Assert.EndsWith("…", e.Message);
    }

    // --- type descriptors ------------------------------------------------------------------

    [Theory]
    [InlineData("u32", "\"u32\"")]
    [InlineData("char", "\"char\"")]
    [InlineData("list<u8>", "{\"list\":\"u8\"}")]
    [InlineData("option<option<u32>>", "{\"option\":{\"option\":\"u32\"}}")]
    [InlineData("tuple<u8, string, f64>", "{\"tuple\":[\"u8\",\"string\",\"f64\"]}")]
    [InlineData("result<u32, string>", "{\"result\":{\"ok\":\"u32\",\"err\":\"string\"}}")]
    [InlineData("result", "{\"result\":{\"ok\":null,\"err\":null}}")]
    [InlineData("point", "{\"record\":[[\"x\",\"s32\"],[\"y\",\"s32\"],[\"label\",\"string\"]]}")]
    [InlineData("shape", "{\"variant\":[[\"circle\",\"f32\"],[\"rect\",{\"record\":[[\"x\",\"s32\"],[\"y\",\"s32\"],[\"label\",\"string\"]]}],[\"empty\",null]]}")]
    [InlineData("color", "{\"enum\":[\"red\",\"green\",\"blue\"]}")]
    [InlineData("perms", "{\"flags\":[\"read\",\"write\",\"exec\"]}")]
    [InlineData("own<box>", "{\"own\":\"box\"}")]
    [InlineData("borrow<box>", "{\"borrow\":\"box\"}")]
    public void Describes_types_like_the_corpus_signatures(string type, string descriptor) =>
        Assert.Equal(descriptor, WitJson.DescribeType(Types[type]).ToJsonString());

    [Fact]
    public void Describes_an_unnamed_resource_by_its_id() =>
        Assert.Equal("{\"own\":\"resource#4\"}", WitJson.DescribeType(new HandleType(WitKind.Own, null, 4)).ToJsonString());

    [Fact]
    public void Reads_every_parameter_of_a_real_signature()
    {
        var type = new FunctionType([new("p", Point), new("s", Shape)], null);
        var args = new[] { "{\"x\":1,\"y\":2,\"label\":\"a\"}", "{\"tag\":\"circle\",\"val\":2}" }
            .Select((json, i) => WitJson.FromJson(json, type.Params[i].Type)).ToArray();
        WitTypeCheck.CheckArguments("f", type, args);
    }
}
