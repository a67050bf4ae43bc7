namespace Lattice.Node.Tests;

/// <summary>Everything a user was told is saved survives stopping every host and starting them again on the same data.</summary>
[Collection(HostsCollection.Name)]
public sealed class RestartSpec : IDisposable
{
    private readonly TestCluster _cluster = new(1);

    [Fact]
    public void Links_configs_and_components_come_back_after_a_full_restart()
    {
        var host = _cluster.Seed;
        Ops.Json(host, "config", "put", "app", "greeting=hello", "api_key=k1");
        Ops.Json(host, "link", "put", "web", "kv", "wasi:keyvalue/store", "--name", "cache", "--source-config", "app");
        Ops.Json(host, "component", "start", "bench", TestPaths.Fixture("wat/bench.wasm"), "--instances", "2");
        CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "bench", "add", "2", "3"));

        _cluster.Restart(1);
        host = _cluster.Seed;

        var link = Assert.Single(Ops.Json(host, "get", "links").AsArray())!;
        Assert.Equal("web", (string?)link["source_id"]);
        Assert.Equal("cache", (string?)link["name"]);
        Assert.Equal(["app"], link["source_config"]!.AsArray().Select(c => (string)c!));
        var config = Ops.Json(host, "get", "config", "app");
        Assert.Equal("hello", (string?)config["values"]!["greeting"]);
        var component = Assert.Single(Ops.Json(host, "get", "components").AsArray())!;
        Assert.Equal(2, (int)component["instances"]!);
        CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "bench", "add", "2", "3"));
    }

    public void Dispose() => _cluster.Dispose();
}
