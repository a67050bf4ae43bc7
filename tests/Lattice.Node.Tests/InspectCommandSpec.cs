using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

public class InspectCommandSpec
{
    private static readonly string Types = TestPaths.Fixture("wat/types.wasm");

    [Fact]
    public void Prints_the_world_as_wit_like_text()
    {
        var result = LatticeProcess.Run("inspect", Types);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("world component {\n  export lattice:fixtures/types: interface {\n", result.Stdout);
        Assert.Contains("    type point = record { x: s32, y: s32, label: string };\n", result.Stdout);
        Assert.Contains("    echo-variant: func(v: shape) -> shape;\n", result.Stdout);
        Assert.Contains("    add: func(a: u32, b: u32) -> u32;\n", result.Stdout);
        Assert.EndsWith("  }\n}\n", result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void Prints_the_world_as_json()
    {
        var result = LatticeProcess.Run("inspect", Types, "--output", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var world = JsonNode.Parse(result.Stdout)!;
        Assert.Empty(world["imports"]!.AsArray());
        var iface = Assert.Single(world["exports"]!.AsArray())!;
        Assert.Equal("lattice:fixtures/types", (string?)iface["name"]);
        Assert.Equal("interface", (string?)iface["kind"]);
        var echo = iface["items"]!.AsArray().Single(i => (string?)i!["name"] == "echo-option")!;
        Assert.Equal("function", (string?)echo["kind"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[[\"v\",{\"option\":\"string\"}]]"), echo["params"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"option\":\"string\"}"), echo["result"]));
    }

    [Fact]
    public void Short_output_option_works_too() =>
        Assert.Equal(LatticeProcess.Run("inspect", Types, "--output", "json").Stdout, LatticeProcess.Run("inspect", "-o", "json", Types).Stdout);

    [Fact]
    public void Shows_imports_of_a_wasi_command()
    {
        var result = LatticeProcess.Run("inspect", TestPaths.Fixture("c/hello.wasm"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  import wasi:cli/stdout@0.2.12: interface {\n    resource output-stream;\n    get-stdout: func() -> own<output-stream>;\n  }\n", result.Stdout);
        Assert.Contains("  export wasi:cli/run@0.2.12: interface {\n    run: func() -> result;\n  }\n", result.Stdout);
    }

    [Fact]
    public void Rejects_an_unknown_format() =>
        CliAssert.FailedWith("yaml", LatticeProcess.Run("inspect", Types, "-o", "yaml"), exitCode: 2);
}
