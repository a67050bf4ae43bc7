using Lattice.Wasm;
using System.CommandLine;
using Lattice.Node.Cli;

namespace Lattice.Node.Tests;

/// <summary>Parsing: what the command line means before anything runs.</summary>
public class CommandLineSpec
{
    [Theory]
    [InlineData("frob")]
    [InlineData("call", "--wasm")]
    [InlineData("call", "--frob", "--wasm", "x.wasm", "f")]
    [InlineData("call", "--wasm", "x.wasm", "f", "--frob")]
    [InlineData("call", "--wasm", "x.wasm")]
    [InlineData("inspect")]
    [InlineData("inspect", "--frob", "x.wasm")]
    [InlineData("inspect", "a.wasm", "b.wasm")]
    [InlineData("run")]
    [InlineData("run", "--frob", "x.wasm")]
    public void Usage_errors_exit_with_2_and_one_line(params string[] args)
    {
        var result = LatticeProcess.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var result = LatticeProcess.Run("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("inspect", result.Stdout);
        Assert.Contains("call", result.Stdout);
        Assert.Contains("run", result.Stdout);
    }

    [Theory]
    [InlineData("wasi:cli/run@0.2.0.run", "wasi:cli/run@0.2.0", "run")]
    [InlineData("test:dep/test@0.1.0.x", "test:dep/test@0.1.0", "x")]
    [InlineData("docs:adder/add.add", "docs:adder/add", "add")]
    [InlineData("test:numbers/test#roundtrip-u8", "test:numbers/test", "roundtrip-u8")]
    [InlineData("exports.[method]x.get-a", "exports", "[method]x.get-a")]
    [InlineData("example:component/backend@0.1.0.[static]scalars.get-a", "example:component/backend@0.1.0", "[static]scalars.get-a")]
    [InlineData("exports#[static]z.num-dropped", "exports", "[static]z.num-dropped")]
    [InlineData("[static]r.make", "", "[static]r.make")]
    [InlineData("add", "", "add")]
    public void Parses_function_names(string text, string iface, string function) =>
        Assert.Equal(new ExportName(iface, function), ExportName.Parse(text));

    [Theory]
    [InlineData("run app.wasm a b", "run app.wasm -- a b")]
    [InlineData("run app.wasm --x", "run app.wasm -- --x")]
    [InlineData("run --env K=V --dir /tmp app.wasm --env", "run --env K=V --dir /tmp app.wasm -- --env")]
    [InlineData("run --trap-unknown-imports app.wasm -v", "run --trap-unknown-imports app.wasm -- -v")]
    [InlineData("run app.wasm -- a", "run app.wasm -- a")]
    [InlineData("run app.wasm", "run app.wasm")]
    [InlineData("call --wasm x.wasm f 1", "call --wasm x.wasm f 1")]
    public void Keeps_everything_after_the_file_for_the_guest(string argv, string expected)
    {
        var run = LatticeCli.Create().Subcommands.Single(c => c.Name == RunCommand.Name);
        Assert.Equal(expected.Split(' '), RunCommand.SeparateGuestArgs(argv.Split(' '), run));
    }
}
