using System.Text.Json.Nodes;
using Lattice.Tests.Wasm;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wit;

public class WitPrinterSpec
{
    private static ComponentWorld Types => WasmHost.Fixture("wat/types.wasm").World;

    [Fact]
    public void Prints_an_interface_with_named_types_used_by_name()
    {
        var text = WitPrinter.Print(Types);
        Assert.StartsWith("world component {\n  export lattice:fixtures/types: interface {\n", text);
        Assert.Contains("    type point = record { x: s32, y: s32, label: string };\n", text);
        Assert.Contains("    type shape = variant { circle(f32), rect(point), empty };\n", text);
        Assert.Contains("    type perms = flags { read, write, exec };\n", text);
        Assert.Contains("    echo-record: func(v: point) -> point;\n", text);
        Assert.Contains("    echo-result: func(v: result<u32, string>) -> result<u32, string>;\n", text);
        Assert.Contains("    add: func(a: u32, b: u32) -> u32;\n", text);
        Assert.Contains("    nothing: func();\n", text);
        Assert.EndsWith("  }\n}\n", text);
    }

    [Fact]
    public void Prints_resources_and_handles()
    {
        var text = WitPrinter.Print(WasmHost.Fixture("wat/resources.wasm").World);
        Assert.Contains("  import lattice:fixtures/host-counter: interface {\n", text);
        Assert.Contains("    resource counter;\n", text);
        Assert.Contains("    [constructor]counter: func(start: u32) -> own<counter>;\n", text);
        Assert.Contains("    [method]counter.get: func(self: borrow<counter>) -> u32;\n", text);
        Assert.Contains("    take-box: func(b: own<box>) -> u32;\n", text);
    }

    [Fact]
    public void Prints_root_functions()
    {
        var world = new ComponentWorld(
            [new WorldFunction("log", new FunctionType([new("msg", WitType.String)], null)), new WorldResource("r", 0)],
            [new WorldFunction("add", new FunctionType([new("a", WitType.U32), new("b", WitType.U32)], WitType.U32)),
             new WorldType("color", new EnumType(["red"])), new WorldOther("m", "core module")]);
        Assert.Equal(
            "world component {\n" +
            "  import log: func(msg: string);\n" +
            "  import resource r;\n" +
            "  export add: func(a: u32, b: u32) -> u32;\n" +
            "  export type color = enum { red };\n" +
            "  export m: core module;\n" +
            "}\n", WitPrinter.Print(world));
    }

    [Fact]
    public void Spells_out_a_structure_that_two_names_share()
    {
        var shared = new RecordType([new("a", WitType.String)]);
        var unique = new EnumType(["x", "y"]);
        var iface = new WorldInterface("t:t/t", [
            new WorldType("first", shared), new WorldType("second", shared), new WorldType("letters", unique),
            new WorldFunction("f", new FunctionType([new("a", shared)], unique))]);
        var text = WitPrinter.Print(new ComponentWorld([], [iface]));
        Assert.Contains("    f: func(a: record { a: string }) -> letters;\n", text);
    }

    [Fact]
    public void Describes_the_world_as_json()
    {
        var json = WitPrinter.ToJson(Types);
        Assert.Empty(json["imports"]!.AsArray());
        var iface = json["exports"]!.AsArray().Single()!;
        Assert.Equal("lattice:fixtures/types", (string?)iface["name"]);
        Assert.Equal("interface", (string?)iface["kind"]);
        var items = iface["items"]!.AsArray();
        var add = items.Single(i => (string?)i!["name"] == "add")!;
        Assert.Equal("function", (string?)add["kind"]);
        Assert.Equal("[[\"a\",\"u32\"],[\"b\",\"u32\"]]", add["params"]!.ToJsonString());
        Assert.Equal("\"u32\"", add["result"]!.ToJsonString());
        var nothing = items.Single(i => (string?)i!["name"] == "nothing")!.AsObject();
        Assert.True(nothing.ContainsKey("result"));
        Assert.Null(nothing["result"]);
        var point = items.Single(i => (string?)i!["name"] == "point")!;
        Assert.Equal("type", (string?)point["kind"]);
        Assert.Equal("{\"record\":[[\"x\",\"s32\"],[\"y\",\"s32\"],[\"label\",\"string\"]]}", point["type"]!.ToJsonString());
    }

    [Fact]
    public void Marks_resources_and_other_items_in_json()
    {
        var world = new ComponentWorld([new WorldResource("r", 0)], [new WorldOther("m", "core module")]);
        var json = WitPrinter.ToJson(world);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"name\":\"r\",\"kind\":\"resource\"}"), json["imports"]![0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"name\":\"m\",\"kind\":\"other\",\"what\":\"core module\"}"), json["exports"]![0]));
    }
}
