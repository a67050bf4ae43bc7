using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Tests.Wasm;

public class ComponentTypesSpec
{
    private static WorldInterface Types => (WorldInterface)WasmHost.Fixture("wat/types.wasm").World.Exports.Single();

    [Fact]
    public void Reads_primitive_signatures()
    {
        var add = Types.Function("add")!;
        Assert.Equal("func(a: u32, b: u32) -> u32", add.Type.ToString());
        Assert.Null(Types.Function("nothing")!.Type.Result);
        Assert.Equal(WitKind.Char, Types.Function("echo-char")!.Type.Result!.Kind);
    }

    [Fact]
    public void Reads_compound_types_down_to_their_parts()
    {
        var record = Assert.IsType<RecordType>(Types.Function("echo-record")!.Type.Params[0].Type);
        Assert.Equal(["x", "y", "label"], record.Fields.Select(f => f.Name));
        Assert.Equal(WitKind.String, record.Fields[2].Type.Kind);

        var variant = Assert.IsType<VariantType>(Types.Function("echo-variant")!.Type.Result);
        Assert.Equal(["circle", "rect", "empty"], variant.Cases.Select(c => c.Name));
        Assert.Equal(WitKind.F32, variant.Cases[0].Payload!.Kind);
        Assert.IsType<RecordType>(variant.Cases[1].Payload);
        Assert.Null(variant.Cases[2].Payload);

        Assert.Equal(["red", "green", "blue"], Assert.IsType<EnumType>(Types.Function("echo-enum")!.Type.Result).Names);
        Assert.Equal(["read", "write", "exec"], Assert.IsType<FlagsType>(Types.Function("echo-flags")!.Type.Result).Names);
        Assert.Equal("result<u32, string>", Types.Function("echo-result")!.Type.Result!.ToString());
        Assert.Equal("option<string>", Types.Function("echo-option")!.Type.Result!.ToString());
        Assert.Equal("tuple<u8, string, f64>", Types.Function("echo-tuple")!.Type.Result!.ToString());
        Assert.Equal("list<u8>", Types.Function("echo-bytes")!.Type.Result!.ToString());
        Assert.Equal("list<string>", Types.Function("echo-list")!.Type.Result!.ToString());
    }

    [Fact]
    public void Resolves_resource_names_in_handle_types()
    {
        var world = WasmHost.Fixture("wat/resources.wasm").World;
        var host = (WorldInterface)world.Imports.Single(i => i.Name == "lattice:fixtures/host-counter");
        Assert.Contains(host.Items, i => i is WorldResource { Name: "counter" });
        var ctor = host.Function("[constructor]counter")!;
        var own = Assert.IsType<HandleType>(ctor.Type.Result);
        Assert.Equal(WitKind.Own, own.Kind);
        Assert.Equal("counter", own.Resource);
        var get = host.Function("[method]counter.get")!;
        Assert.Equal(WitKind.Borrow, get.Type.Params[0].Type.Kind);
        Assert.Equal("counter", ((HandleType)get.Type.Params[0].Type).Resource);

        var guest = (WorldInterface)world.Exports.Single();
        var take = guest.Function("take-box")!;
        Assert.Equal("box", ((HandleType)take.Type.Params[0].Type).Resource);
        Assert.Equal(WitKind.Own, take.Type.Params[0].Type.Kind);
    }
}
