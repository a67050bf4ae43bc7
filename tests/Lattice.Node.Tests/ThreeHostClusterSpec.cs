using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>Three `lattice up` processes on loopback: one cluster, served whole by any host's admin API.</summary>
[Collection(HostsCollection.Name)]
public sealed class ThreeHostClusterSpec(ThreeHosts fixture) : IClassFixture<ThreeHosts>
{
    private static readonly string Bench = TestPaths.Fixture("wat/bench.wasm");

    private IReadOnlyList<HostProcess> Hosts => fixture.Cluster.Hosts;

    [Fact]
    public void Cluster_show_lists_three_up_members_from_every_host()
    {
        foreach (var host in Hosts)
        {
            var members = Ops.Json(host, "cluster", "show")["members"]!.AsArray();
            Assert.Equal(Hosts.Select(h => h.Address).Order(), members.Select(m => (string)m!["address"]!).Order());
            Assert.All(members, m => Assert.Equal("up", (string?)m!["status"]));
            Assert.Single(members, m => (bool)m!["is_self"]!);
        }
    }

    [Fact]
    public void Get_hosts_lists_every_host_with_its_labels()
    {
        var hosts = Ops.Json(Hosts[2], "get", "hosts").AsArray();
        Assert.Equal(3, hosts.Count);
        Assert.Equal(3, hosts.Select(h => (string?)h!["host_id"]).Distinct().Count());
        foreach (var (host, i) in Hosts.Select((h, i) => (h, i)))
        {
            var info = hosts.Single(h => (string?)h!["address"] == host.Address)!;
            Assert.Equal($"{i + 1}", (string?)info["labels"]!["n"]);
        }
    }

    [Fact]
    public void A_component_with_three_instances_answers_through_every_host()
    {
        var started = Ops.Json(Hosts[0], "component", "start", "bench", Bench, "--instances", "3");
        Assert.Equal(3, (int)started["instances"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string?)started["artifact"]);
        foreach (var host in Hosts)
            CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "bench", "add", "2", "3"));

        // The instances are sharded entities: the region counts them, whichever members hold them.
        var stats = Ops.Eventually(Hosts[1], r => r.ExitCode == 0 && Entities(r.Stdout) == 3, "cluster-sharding", "region-stats", "-r", "component", "-o", "json");
        Assert.Equal(3, Entities(stats.Stdout));
        var inventory = Ops.Json(Hosts[2], "get", "inventory").AsArray();
        Assert.Equal(3, inventory.Count);
        Assert.Equal(3, inventory.Sum(h => h!["inventory"]!["components"]!.AsArray().Count(i => (string?)i!["component_id"] == "bench")));
    }

    [Fact]
    public void Links_and_configs_put_through_one_host_are_seen_through_another()
    {
        Ops.Json(Hosts[1], "config", "put", "kv-settings", "bucket=orders", "token=s3cr3t");
        Ops.Json(Hosts[1], "link", "put", "orders", "kv", "wasi:keyvalue/store,atomics", "--target-config", "kv-settings");

        var link = Ops.Json(Hosts[2], "get", "links").AsArray().Single(l => (string?)l!["source_id"] == "orders")!;
        Assert.Equal("kv", (string?)link["target"]);
        Assert.Equal("wasi", (string?)link["wit_namespace"]);
        Assert.Equal("keyvalue", (string?)link["wit_package"]);
        Assert.Equal(["store", "atomics"], link["interfaces"]!.AsArray().Select(i => (string)i!));
        Assert.Equal("default", (string?)link["name"]);
        Assert.Equal(["kv-settings"], link["target_config"]!.AsArray().Select(i => (string)i!));

        var config = Ops.Json(Hosts[0], "get", "config", "kv-settings");
        Assert.Equal("orders", (string?)config["values"]!["bucket"]);
        Assert.Equal("********", (string?)config["values"]!["token"]);

        CliAssert.Printed("link orders on wasi:keyvalue (default) deleted", Ops.Run(Hosts[0], "link", "del", "orders", "wasi:keyvalue"));
        Assert.DoesNotContain(Ops.Json(Hosts[1], "link", "get").AsArray(), l => (string?)l!["source_id"] == "orders");
    }

    private static int Entities(string regionStatsJson) =>
        JsonNode.Parse(regionStatsJson)!["members"]!.AsArray().Sum(m => (int)m!["entities"]!);
}
