using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>`lattice up` alone: a one-member cluster that answers the ops commands about itself.</summary>
[Collection(HostsCollection.Name)]
public sealed class SingleHostSpec(OneHost fixture) : IClassFixture<OneHost>
{
    private HostProcess Host => fixture.Cluster.Seed;

    [Fact]
    public async Task Prints_one_up_line_with_host_id_address_and_admin_url()
    {
        var line = await Host.WaitUpAsync();
        Assert.Matches($"^host N[A-Z2-7]{{55}} up: {Host.Address.Replace(".", "\\.")}, admin API {Host.AdminUrl.Replace(".", "\\.")}$", line);
    }

    [Fact]
    public void Cluster_show_lists_itself_as_the_only_up_member()
    {
        var cluster = Ops.Json(Host, "cluster", "show");
        var member = Assert.Single(cluster["members"]!.AsArray())!;
        Assert.Equal(Host.Address, (string?)member["address"]);
        Assert.Equal("up", (string?)member["status"]);
        Assert.True((bool)member["is_self"]!);
        Assert.True((bool)member["is_leader"]!);
        Assert.Equal(Host.Address, (string?)cluster["leader"]);
    }

    [Fact]
    public void Cluster_show_prints_a_table_for_people()
    {
        var result = Ops.Run(Host, "cluster", "show");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Host.Address, result.Stdout);
        Assert.Contains("Count: 1 nodes", result.Stdout);
    }

    [Fact]
    public void Cluster_status_and_leader_are_this_host()
    {
        Assert.Equal(Host.Address, (string?)Ops.Json(Host, "cluster", "status")["address"]);
        var leader = Ops.Run(Host, "cluster", "leader");
        CliAssert.Printed(Host.Address, leader);
    }

    [Fact]
    public async Task Get_hosts_shows_its_host_id_labels_and_uptime()
    {
        var host = Assert.Single(Ops.Json(Host, "get", "hosts").AsArray())!;
        Assert.Matches("^N[A-Z2-7]{55}$", (string?)host["host_id"]);
        Assert.Equal(Host.Address, (string?)host["address"]);
        Assert.Equal("a", (string?)host["labels"]!["zone"]);
        Assert.Equal("up", (string?)host["status"]);
        Assert.True((double)host["uptime_seconds"]! >= 0);
        Assert.Contains((string)host["host_id"]!, await Host.WaitUpAsync());
    }

    [Fact]
    public void Sharding_regions_include_the_component_region()
    {
        var regions = Ops.Json(Host, "cluster-sharding", "regions")["regions"]!.AsArray().Select(r => (string?)r).ToList();
        Assert.Contains("component", regions);
        var stats = Ops.Json(Host, "cluster-sharding", "region-stats", "-r", "component");
        Assert.Equal("component", (string?)stats["region"]);
    }

    [Fact]
    public void An_unknown_region_is_one_error_line()
    {
        var line = CliAssert.FailedWith("no shard region 'nope'", Ops.Run(Host, "cluster-sharding", "region-stats", "-r", "nope"), exitCode: 1);
        Assert.Contains("component", line);
    }

    [Fact]
    public void Config_put_and_get_redact_secrets()
    {
        CliAssert.Printed("config db put (2 value(s))", Ops.Run(Host, "config", "put", "db", "url=postgres://x", "password=hunter2"));
        var config = Ops.Json(Host, "config", "get", "db");
        Assert.Equal("postgres://x", (string?)config["values"]!["url"]);
        Assert.Equal("********", (string?)config["values"]!["password"]);
        var all = Ops.Json(Host, "get", "config").AsArray();
        Assert.Contains(all, c => (string?)c!["name"] == "db");
        Assert.DoesNotContain("hunter2", Ops.Run(Host, "get", "config").Stdout);
    }

    [Fact]
    public void A_refused_command_is_one_error_line() =>
        CliAssert.FailedWith("no config named 'absent'", Ops.Run(Host, "config", "del", "absent"), exitCode: 1);

    [Fact]
    public void Starting_a_component_from_a_missing_file_says_so() =>
        CliAssert.FailedWith("no such file: /nonexistent/x.wasm", Ops.Run(Host, "component", "start", "x", "/nonexistent/x.wasm"), exitCode: 1);

    [Fact]
    public void A_call_to_an_unknown_component_is_a_typed_error()
    {
        var result = Ops.Run(Host, "call", "ghost", "add", "1", "2");
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.StartsWith("error: ", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Inventory_of_this_host_by_its_id()
    {
        var id = (string)Ops.Json(Host, "get", "hosts")[0]!["host_id"]!;
        var inventory = Assert.Single(Ops.Json(Host, "get", "inventory", id[..10]).AsArray())!;
        Assert.Equal(id, (string?)inventory["host_id"]);
        Assert.IsType<JsonArray>(inventory["inventory"]!["components"]);
        Assert.IsType<JsonArray>(inventory["inventory"]!["providers"]);
    }

    [Fact]
    public void Down_unreachable_with_every_member_reachable_downs_nothing() =>
        CliAssert.Printed("no unreachable members", Ops.Run(Host, "cluster", "down-unreachable"));

    [Fact]
    public void Joining_something_that_is_not_an_address_is_refused() =>
        CliAssert.FailedWith("is not an address", Ops.Run(Host, "cluster", "join", "nowhere"), exitCode: 1);

    [Fact]
    public void A_component_scales_and_stops()
    {
        Ops.Json(Host, "component", "start", "scaled", TestPaths.Fixture("wat/bench.wasm"));
        CliAssert.Printed("component scaled scaled to 2 instance(s)", Ops.Run(Host, "component", "scale", "scaled", "2"));
        Assert.Equal(2, (int)Ops.Json(Host, "get", "components").AsArray().Single(c => (string?)c!["id"] == "scaled")!["instances"]!);
        CliAssert.Printed("component scaled stopped", Ops.Run(Host, "component", "stop", "scaled"));
        Assert.DoesNotContain(Ops.Json(Host, "get", "components").AsArray(), c => (string?)c!["id"] == "scaled");
        CliAssert.FailedWith("no component 'scaled'", Ops.Run(Host, "component", "scale", "scaled", "1"), exitCode: 1);
    }

    [Fact]
    public void A_component_can_be_started_again_by_its_sha256()
    {
        var sha = (string)Ops.Json(Host, "component", "start", "by-file", TestPaths.Fixture("wat/bench.wasm"))["artifact"]!;
        var again = Ops.Json(Host, "component", "start", "by-sha", sha);
        Assert.Equal(sha, (string?)again["artifact"]);
        CliAssert.FailedWith("no artifact", Ops.Run(Host, "component", "start", "by-sha", new string('0', 64)), exitCode: 1);
    }
}
