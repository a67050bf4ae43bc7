namespace Lattice.Node.Tests;

/// <summary>Ops commands without a host to talk to, and their command lines.</summary>
public class AdminClientSpec
{
    [Fact]
    public void A_host_that_is_not_there_is_named_with_its_url()
    {
        var url = $"http://127.0.0.1:{HostProcess.FreePort()}";
        var line = CliAssert.FailedWith($"cannot reach the lattice host at {url}", LatticeProcess.Run("cluster", "show", "--host", url), exitCode: 1);
        Assert.Contains("LATTICE_HOST", line);
    }

    [Fact]
    public void Lattice_host_comes_from_the_environment()
    {
        var url = $"http://127.0.0.1:{HostProcess.FreePort()}";
        var result = LatticeProcess.Run(["get", "hosts"], new Dictionary<string, string> { ["LATTICE_HOST"] = url });
        CliAssert.FailedWith($"cannot reach the lattice host at {url}", result, exitCode: 1);
    }

    [Fact]
    public void A_lattice_call_needs_no_wasm_and_reaches_for_the_host()
    {
        var url = $"http://127.0.0.1:{HostProcess.FreePort()}";
        CliAssert.FailedWith("cannot reach the lattice host", LatticeProcess.Run("call", "bench", "add", "2", "3", "--host", url), exitCode: 1);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("cluster", "frob")]
    [InlineData("cluster", "show", "-o", "yaml")]
    [InlineData("cluster-sharding", "region-stats")]
    [InlineData("component", "start", "x")]
    [InlineData("component", "scale", "x", "many")]
    [InlineData("link", "put", "a", "b")]
    [InlineData("config", "put", "name")]
    [InlineData("call", "only-a-component")]
    [InlineData("up", "--port", "70000")]
    [InlineData("up", "--label", "novalue")]
    [InlineData("up", "--join", "nohost")]
    [InlineData("up", "--db-provider", "Oracle")]
    [InlineData("up", "--nodes", "0")]
    public void Usage_errors_exit_with_2_and_one_line(params string[] args)
    {
        var result = LatticeProcess.Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void A_bad_interface_name_for_a_link_is_a_usage_error() =>
        CliAssert.FailedWith("is not NAMESPACE:PACKAGE/INTERFACE", LatticeProcess.Run("link", "put", "a", "b", "wasi-keyvalue", "--host", "http://127.0.0.1:1"), exitCode: 2);
}
