namespace Lattice.Node.Tests;

public class RunCommandSpec
{
    private static readonly string Hello = TestPaths.Fixture("c/hello.wasm");

    [Fact]
    public void Runs_a_command_and_passes_its_output_through()
    {
        var result = LatticeProcess.Run("run", Hello);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello from lattice\n", result.Stdout);
        Assert.Equal("to stderr\n", result.Stderr);
    }

    [Fact]
    public void Passes_arguments_and_the_guest_exit_status()
    {
        var result = LatticeProcess.Run("run", Hello, "one", "two words");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("hello from lattice\none\ntwo words\n", result.Stdout);
        Assert.Equal("to stderr\n", result.Stderr);
    }

    [Fact]
    public void Passes_arguments_that_look_like_options_to_the_guest()
    {
        var result = LatticeProcess.Run("run", "--env", "A=1", Hello, "--env", "-x", "--timeout");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("hello from lattice\n--env\n-x\n--timeout\n", result.Stdout);
    }

    [Fact]
    public void Accepts_a_double_dash_before_the_guest_arguments()
    {
        var result = LatticeProcess.Run("run", Hello, "--", "--help");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("hello from lattice\n--help\n", result.Stdout);
    }

    [Fact]
    public void Refuses_a_component_that_is_not_a_command() =>
        CliAssert.FailedWith("not a WASI command", LatticeProcess.Run("run", TestPaths.Fixture("wat/loop.wasm")), exitCode: 1);

    [Fact]
    public void Reports_a_garbage_file_in_one_line()
    {
        using var garbage = new TempFile("garbage");
        CliAssert.FailedWith("is not a WebAssembly component", LatticeProcess.Run("run", garbage.Path), exitCode: 1);
    }
}
