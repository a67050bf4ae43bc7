using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// Two `lattice up --nats` hosts answer the wasmCloud control interface as wasmCloud 1.x hosts do:
/// raw NATS requests, replies checked field by field against the protocol (§3.3, §3.4), and the
/// lattice event each change publishes (§3.5).
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class ControlInterfaceSpec(BridgeHosts hosts) : IClassFixture<BridgeHosts>
{
    private static readonly TimeSpan GatherWait = TimeSpan.FromSeconds(10);

    private string Host1 => hosts.HostIds[0];

    private string Host2 => hosts.HostIds[1];

    private async Task<Wasmbus> BusAsync()
    {
        NatsTestServer.SkipUnlessInstalled();
        return await Wasmbus.ConnectAsync(hosts.Nats!.Url);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static string FileRef(string fixture) => new Uri(TestPaths.Fixture(fixture)).AbsoluteUri;

    /// <summary>A CtlResponse without a `response`: exactly success and message.</summary>
    private static void Replied(JsonObject reply, bool success, string message)
    {
        Assert.True(success == (bool)reply["success"]!, reply.ToJsonString());
        Assert.Equal(message, (string?)reply["message"]);
        Assert.Equal(["success", "message"], reply.Select(p => p.Key));
    }

    private static JsonNode Response(JsonObject reply)
    {
        Assert.True((bool)reply["success"]!, reply.ToJsonString());
        Assert.Equal("", (string?)reply["message"]);
        Assert.Equal(["success", "message", "response"], reply.Select(p => p.Key));
        return reply["response"]!;
    }

    private static void CloudEvent(JsonObject e, string name, string source)
    {
        Assert.Equal(["specversion", "id", "type", "source", "time", "datacontenttype", "data"], e.Select(p => p.Key));
        Assert.Equal("1.0", (string?)e["specversion"]);
        Assert.Equal("com.wasmcloud.lattice." + name, (string?)e["type"]);
        Assert.Equal(source, (string?)e["source"]);
        Assert.Equal("application/json", (string?)e["datacontenttype"]);
        Assert.True(Guid.TryParse((string?)e["id"], out _));
        Assert.True(DateTimeOffset.TryParse((string?)e["time"], out _));
    }

    private static string[] Keys(JsonNode? o) => [.. o!.AsObject().Select(p => p.Key)];

    [SkippableFact]
    public async Task Every_host_answers_ping_with_the_fields_of_a_wasmcloud_host()
    {
        await using var bus = await BusAsync();
        var replies = await bus.GatherAsync("host.ping", null, 2, GatherWait);
        Assert.True(replies.Count == 2, $"{replies.Count} replies\n{hosts.Output}");
        foreach (var reply in replies)
        {
            var host = Response(reply);
            Assert.Equal(["id", "friendly_name", "labels", "lattice", "rpc_host", "ctl_host", "uptime_human", "uptime_seconds", "version"], Keys(host));
            Assert.Contains((string)host["id"]!, hosts.HostIds);
            Assert.Matches("^[a-z]+-[a-z]+-[0-9]{4}$", (string?)host["friendly_name"]);
            Assert.Equal("default", (string?)host["lattice"]);
            Assert.Equal(hosts.Nats!.Url, (string?)host["rpc_host"]);
            Assert.Equal(hosts.Nats!.Url, (string?)host["ctl_host"]);
            Assert.Equal("linux", (string?)host["labels"]!["hostcore.os"]);
            Assert.Equal("unix", (string?)host["labels"]!["hostcore.osfamily"]);
            Assert.False(string.IsNullOrEmpty((string?)host["labels"]!["hostcore.arch"]));
            Assert.Equal(JsonValueKind.Number, host["uptime_seconds"]!.GetValueKind());
            Assert.Matches("^[0-9]+(year|month|day|[hms])", (string?)host["uptime_human"]);
            Assert.Matches(@"^\d+\.\d+\.\d+", (string?)host["version"]);
        }
        Assert.Equal(["a", "b"], replies.Select(r => (string)r["response"]!["labels"]!["zone"]!).Order());
    }

    [SkippableFact]
    public async Task Host_get_answers_with_the_inventory_of_that_host()
    {
        await using var bus = await BusAsync();
        var inventory = Response(await bus.RequestAsync($"host.get.{Host2}"));
        Assert.Equal(["components", "providers", "host_id", "friendly_name", "labels", "version", "uptime_human", "uptime_seconds"], Keys(inventory));
        Assert.Equal(Host2, (string?)inventory["host_id"]);
        Assert.Equal("b", (string?)inventory["labels"]!["zone"]);
        Assert.IsType<JsonArray>(inventory["components"]);
        Assert.IsType<JsonArray>(inventory["providers"]);
    }

    [SkippableFact]
    public async Task A_component_scales_up_serves_calls_updates_and_scales_to_zero()
    {
        await using var bus = await BusAsync();
        const string id = "ctl-bench";
        var bench = FileRef("wat/bench.wasm");
        Replied(await bus.RequestAsync($"component.scale.{Host1}",
            Json(new { component_ref = bench, component_id = id, count = 1, host_id = Host1, config = Array.Empty<string>(), allow_update = false, annotations = new { owner = "spec" } })),
            true, "");
        var started = await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (int)d["max_instances"]! == 1);
        CloudEvent(bus.Find("component_scaled", d => (string?)d["component_id"] == id).First(), "component_scaled", Host1);
        Assert.Equal(["annotations", "host_id", "image_ref", "max_instances", "component_id"], Keys(started));
        Assert.Equal("spec", (string?)started["annotations"]!["owner"]);
        Assert.Equal(Host1, (string?)started["host_id"]);
        Assert.Equal(bench, (string?)started["image_ref"]);

        // The component is the lattice's: any host calls it, and the host it runs on lists it with the wasmCloud reference.
        CliAssert.Printed("5", Ops.Eventually(hosts.Hosts[1], r => r.ExitCode == 0, "call", id, "add", "2", "3"));
        var listed = await ListedAsync(bus, id, bench);
        Assert.Equal(["id", "image_ref", "annotations", "revision", "max_instances", "limits"], Keys(listed));
        Assert.Equal(bench, (string?)listed["image_ref"]);
        Assert.Equal(1, (int)listed["max_instances"]!);
        Assert.Equal(0, (int)listed["revision"]!);
        Assert.Null(listed["limits"]);
        Assert.Equal("spec", (string?)listed["annotations"]!["owner"]);
        // The reference and annotations are kept with the spec: the CLI shows them, and they outlive this bridge.
        var spec = Ops.Json(hosts.Hosts[1], "get", "components").AsArray().Single(c => (string?)c!["id"] == id)!;
        Assert.Equal(bench, (string?)spec["annotations"]!["lattice.dev/image-ref"]);
        Assert.Equal("spec", (string?)spec["annotations"]!["owner"]);
        Assert.Equal("{\"" + Host1 + "\":1}", (string?)spec["annotations"]!["lattice.dev/host-instances"]);

        // Counts are per host, as on wasmCloud: the lattice runs the sum, each host lists its own share.
        Replied(await bus.RequestAsync($"component.scale.{Host2}", Json(new { component_ref = bench, component_id = id, count = 2 })), true, "");
        var scaled = await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (int)d["max_instances"]! == 2);
        Assert.Equal(Host2, (string?)scaled["host_id"]);
        Assert.Equal(3, (int)Ops.Json(hosts.Hosts[0], "get", "components").AsArray().Single(c => (string?)c!["id"] == id)!["instances"]!);
        Assert.Equal(1, await SharedAsync(bus, Host1, id));
        Assert.Equal(2, await SharedAsync(bus, Host2, id));
        Replied(await bus.RequestAsync($"component.scale.{Host2}", Json(new { component_ref = bench, component_id = id, count = 2 })), true, "");
        await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (int)d["max_instances"]! == 2, skip: 1);
        Assert.Equal(3, (int)Ops.Json(hosts.Hosts[0], "get", "components").AsArray().Single(c => (string?)c!["id"] == id)!["instances"]!);

        var recursion = FileRef("wat/recursion.wasm");
        Replied(await bus.RequestAsync($"component.update.{Host1}", Json(new { component_id = id, new_component_ref = recursion, host_id = Host1 })),
            true, $"component {id} updating from {bench} to {recursion}");
        await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (string?)d["image_ref"] == recursion && (int)d["max_instances"]! == 1);
        await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (string?)d["image_ref"] == bench && (int)d["max_instances"]! == 0);
        Replied(await bus.RequestAsync($"component.update.{Host1}", Json(new { component_id = id, new_component_ref = recursion })),
            true, $"component {id} already updated to {recursion}");
        Assert.Equal(2, await SharedAsync(bus, Host2, id));

        // A host scaled to 0 gives up its share; the component stops with the last one.
        Replied(await bus.RequestAsync($"component.scale.{Host1}", Json(new { component_ref = recursion, component_id = id, count = 0 })), true, "");
        var stopped = await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (int)d["max_instances"]! == 0 && (string?)d["image_ref"] == recursion);
        Assert.Equal(Host1, (string?)stopped["host_id"]);
        Assert.Equal(2, (int)Ops.Json(hosts.Hosts[0], "get", "components").AsArray().Single(c => (string?)c!["id"] == id)!["instances"]!);
        Assert.Equal(0, await SharedAsync(bus, Host1, id));
        Replied(await bus.RequestAsync($"component.scale.{Host2}", Json(new { component_ref = recursion, component_id = id, count = 0 })), true, "");
        await bus.EventAsync("component_scaled", d => (string?)d["component_id"] == id && (int)d["max_instances"]! == 0 && (string?)d["host_id"] == Host2);
        Assert.DoesNotContain(Ops.Json(hosts.Hosts[0], "get", "components").AsArray(), c => (string?)c!["id"] == id);
    }

    /// <summary>The instances <paramref name="host"/>'s inventory lists for <paramref name="id"/> (0: not listed).</summary>
    private static async Task<int> SharedAsync(Wasmbus bus, string host, string id) =>
        Response(await bus.RequestAsync($"host.get.{host}"))["components"]!.AsArray()
            .Where(c => (string?)c!["id"] == id).Select(c => (int)c!["max_instances"]!).SingleOrDefault();

    /// <summary>The component as the inventory of the host it runs on lists it (instances start, and the reference reaches every bridge, a moment after the scale).</summary>
    private async Task<JsonObject> ListedAsync(Wasmbus bus, string id, string imageRef)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            foreach (var host in hosts.HostIds)
            {
                var components = Response(await bus.RequestAsync($"host.get.{host}"))["components"]!.AsArray();
                if (components.FirstOrDefault(c => (string?)c!["id"] == id && (string?)c["image_ref"] == imageRef) is JsonObject found) return found;
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"no host lists {id} as {imageRef}\n{hosts.Output}");
            await Task.Delay(200);
        }
    }

    [SkippableFact]
    public async Task An_oci_reference_is_refused_with_the_reason_and_a_scale_failed_event()
    {
        await using var bus = await BusAsync();
        var reply = await bus.RequestAsync($"component.scale.{Host1}", Json(new { component_ref = "ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0", component_id = "oci-hello", count = 1 }));
        Replied(reply, false, (string)reply["message"]!);
        Assert.StartsWith("cannot fetch OCI reference 'ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0': this host has no OCI registry client", (string?)reply["message"]);
        var failed = await bus.EventAsync("component_scale_failed", d => (string?)d["component_id"] == "oci-hello");
        Assert.Equal(["annotations", "component_id", "host_id", "image_ref", "max_instances", "error"], Keys(failed));
        Assert.Equal((string?)reply["message"], (string?)failed["error"]);
        Assert.Equal(1, (int)failed["max_instances"]!);
    }

    [SkippableFact]
    public async Task Malformed_requests_get_one_line_naming_the_problem_and_the_host_keeps_serving()
    {
        await using var bus = await BusAsync();
        var notJson = await bus.RequestAsync($"component.scale.{Host1}", "{not json");
        Replied(notJson, false, (string)notJson["message"]!);
        Assert.StartsWith("failed to deserialize component scale command: ", (string?)notJson["message"]);
        Assert.DoesNotContain('\n', (string)notJson["message"]!);

        var missing = await bus.RequestAsync($"component.scale.{Host1}", Json(new { component_ref = "file:///x.wasm", count = 1 }));
        Assert.False((bool)missing["success"]!);
        Assert.Contains("component_id", (string?)missing["message"]);

        var wrongType = await bus.RequestAsync("link.put", Json(new { source_id = "a", target = "b", wit_namespace = "wasi", wit_package = "keyvalue", interfaces = "store" }));
        Assert.False((bool)wrongType["success"]!);
        Assert.StartsWith("failed to deserialize wrpc link definition: ", (string?)wrongType["message"]);

        var config = await bus.RequestAsync("config.put.bad", Json(new { port = 8080 }));
        Assert.False((bool)config["success"]!);
        Assert.StartsWith("config data should be a map of string -> string", (string?)config["message"]);

        Replied(await bus.RequestAsync($"component.frobnicate.{Host1}", "{}"), false, "unsupported subject");
        Replied(await bus.RequestAsync($"host.frobnicate.{Host2}"), false, "unsupported subject");

        Assert.Equal(2, (await bus.GatherAsync("host.ping", null, 2, GatherWait)).Count);
    }

    [SkippableFact]
    public async Task Links_are_put_listed_and_deleted_with_their_events()
    {
        await using var bus = await BusAsync();
        var link = new
        {
            source_id = "ctl-linker", target = "ctl-kv", name = "default", wit_namespace = "wasi", wit_package = "keyvalue",
            interfaces = new[] { "store", "atomics" }, source_config = Array.Empty<string>(), target_config = Array.Empty<string>(),
        };
        Replied(await bus.RequestAsync("link.put", Json(link)), true, "successfully set link");
        var set = await bus.EventAsync("linkdef_set", d => (string?)d["source_id"] == "ctl-linker");
        Assert.Equal(["source_id", "target", "name", "wit_namespace", "wit_package", "interfaces", "source_config", "target_config"], Keys(set));
        Assert.Equal(JsonSerializer.SerializeToNode(link)!.ToJsonString(), set.ToJsonString());

        var listed = Response(await bus.RequestAsync("link.get")).AsArray().Single(l => (string?)l!["source_id"] == "ctl-linker")!;
        Assert.Equal(JsonSerializer.SerializeToNode(link)!.ToJsonString(), listed.ToJsonString());

        var conflict = await bus.RequestAsync("link.put", Json(link with { target = "elsewhere" }));
        Replied(conflict, false, "link already exists with different target, consider deleting the existing link or using a different link name");
        await bus.EventAsync("linkdef_set_failed", d => (string?)d["target"] == "elsewhere" && ((string?)d["error"])!.StartsWith("link already exists", StringComparison.Ordinal));

        var noConfig = await bus.RequestAsync("link.put", Json(link with { source_id = "ctl-other", target_config = new[] { "no-such-config" } }));
        Replied(noConfig, false, "Failed to validate configuration and secrets. Configuration no-such-config not found in config store.");

        var del = Json(new { source_id = "ctl-linker", wit_namespace = "wasi", wit_package = "keyvalue" });
        Replied(await bus.RequestAsync("link.del", del), true, "successfully deleted link");
        var deleted = await bus.EventAsync("linkdef_deleted", d => (string?)d["source_id"] == "ctl-linker");
        Assert.Equal(["source_id", "target", "name", "wit_namespace", "wit_package", "interfaces"], Keys(deleted));
        Assert.Equal("ctl-kv", (string?)deleted["target"]);
        Assert.DoesNotContain(Response(await bus.RequestAsync("link.get")).AsArray(), l => (string?)l!["source_id"] == "ctl-linker");

        // Deleting again succeeds (idempotent) and says so without the target it no longer knows.
        Replied(await bus.RequestAsync("link.del", del), true, "successfully deleted link");
        await bus.EventAsync("linkdef_deleted", d => (string?)d["source_id"] == "ctl-linker" && d["target"] is null);
    }

    [SkippableFact]
    public async Task Configs_are_put_read_and_deleted_with_their_events()
    {
        await using var bus = await BusAsync();
        Replied(await bus.RequestAsync("config.put.ctl-db", Json(new Dictionary<string, string> { ["url"] = "postgres://db", ["password"] = "hunter2" })),
            true, "successfully put config");
        var set = await bus.EventAsync("config_set", d => (string?)d["config_name"] == "ctl-db");
        Assert.Equal(["config_name"], Keys(set));

        var values = Response(await bus.RequestAsync("config.get.ctl-db"));
        Assert.Equal("postgres://db", (string?)values["url"]);
        Assert.Equal("hunter2", (string?)values["password"]);
        Replied(await bus.RequestAsync("config.get.ctl-nothing"), true, "Configuration not found");

        Replied(await bus.RequestAsync("config.del.ctl-db"), true, "successfully deleted config");
        await bus.EventAsync("config_deleted", d => (string?)d["config_name"] == "ctl-db");
        Replied(await bus.RequestAsync("config.get.ctl-db"), true, "Configuration not found");
    }

    [SkippableFact]
    public async Task Labels_are_put_and_deleted_on_one_host_with_labels_changed()
    {
        await using var bus = await BusAsync();
        Replied(await bus.RequestAsync($"label.put.{Host2}", Json(new { key = "ctl-tier", value = "gold" })), true, "successfully put label");
        var changed = await bus.EventAsync("labels_changed", d => (string?)d["labels"]!["ctl-tier"] == "gold");
        Assert.Equal(["host_id", "labels"], Keys(changed));
        Assert.Equal(Host2, (string?)changed["host_id"]);
        Assert.Equal("b", (string?)changed["labels"]!["zone"]);
        var pings = await bus.GatherAsync("host.ping", null, 2, GatherWait);
        Assert.Equal("gold", (string?)pings.Single(p => (string?)p["response"]!["id"] == Host2)["response"]!["labels"]!["ctl-tier"]);
        // The label is the lattice's: every host (and placement) sees it on that member.
        // (Every host's view hears of the change a moment after it is persisted.)
        string? LabelSeenByHost1() => (string?)Ops.Json(hosts.Hosts[0], "cluster", "show")["members"]!.AsArray()
            .Single(m => (string?)m!["address"] == hosts.Hosts[1].Address)!["labels"]!["ctl-tier"];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (LabelSeenByHost1() != "gold" && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal("gold", LabelSeenByHost1());

        Replied(await bus.RequestAsync($"label.put.{Host2}", Json(new { key = "HostCore.os", value = "plan9" })), false, "hostcore.* labels cannot be set dynamically");

        Replied(await bus.RequestAsync($"label.del.{Host2}", Json(new { key = "ctl-tier" })), true, "successfully deleted label");
        await bus.EventAsync("labels_changed", d => (string?)d["host_id"] == Host2 && d["labels"]!["ctl-tier"] is null);
        Replied(await bus.RequestAsync($"label.del.{Host2}", Json(new { key = "ctl-tier" })), true, "successfully deleted label (no such label)");

        // A change made with the CLI is announced by that host too; the ctl change above was announced once.
        Ops.Json(hosts.Hosts[0], "label", hosts.Hosts[1].Address, "cli-tier=silver");
        var cli = await bus.EventAsync("labels_changed", d => (string?)d["labels"]!["cli-tier"] == "silver");
        Assert.Equal(Host2, (string?)cli["host_id"]);
        Assert.Single(bus.Find("labels_changed", d => (string?)d["labels"]!["ctl-tier"] == "gold"));
        Ops.Json(hosts.Hosts[0], "label", hosts.Hosts[1].Address, "cli-tier-");
    }

    [SkippableFact]
    public async Task Auctions_are_answered_only_by_hosts_that_fit()
    {
        await using var bus = await BusAsync();
        var bids = await bus.GatherAsync("component.auction", Json(new { component_ref = "file:///x.wasm", component_id = "ctl-auction", constraints = new { zone = "b" } }), 2, TimeSpan.FromSeconds(3));
        var bid = Response(Assert.Single(bids));
        Assert.Equal(["component_ref", "component_id", "host_id", "constraints"], Keys(bid));
        Assert.Equal(Host2, (string?)bid["host_id"]);
        Assert.Equal("b", (string?)bid["constraints"]!["zone"]);

        var providerBids = await bus.GatherAsync("provider.auction", Json(new { provider_ref = "wasmcloud+builtin://keyvalue", provider_id = "ctl-kv", constraints = new { } }), 2, GatherWait);
        Assert.Equal(2, providerBids.Count);
        Assert.Equal(["host_id", "provider_ref", "provider_id", "constraints"], Keys(Response(providerBids[0])));

        Assert.Empty(await bus.GatherAsync("component.auction", Json(new { component_id = "ctl-auction", constraints = new { zone = "nowhere" } }), 1, TimeSpan.FromSeconds(3)));
    }

    [SkippableFact]
    public async Task A_builtin_provider_starts_reports_health_and_stops()
    {
        await using var bus = await BusAsync();
        const string id = "ctl-store";
        const string reference = "wasmcloud+builtin://keyvalue";
        Replied(await bus.RequestAsync($"provider.start.{Host1}", Json(new { provider_id = id, provider_ref = reference, host_id = Host1, config = Array.Empty<string>() })),
            true, "successfully started provider");
        var started = await bus.EventAsync("provider_started", d => (string?)d["provider_id"] == id);
        Assert.Equal(["host_id", "image_ref", "provider_id", "annotations"], Keys(started));
        Assert.Equal(reference, (string?)started["image_ref"]);
        CloudEvent(bus.Find("provider_started", d => (string?)d["provider_id"] == id).First(), "provider_started", Host1);
        var health = await bus.EventAsync("health_check_passed", d => (string?)d["provider_id"] == id);
        Assert.Equal(["host_id", "provider_id"], Keys(health));

        Replied(await bus.RequestAsync($"provider.start.{Host2}", Json(new { provider_id = id, provider_ref = reference })), false, "provider with that ID is already running");
        var unknown = await bus.RequestAsync($"provider.start.{Host2}", Json(new { provider_id = "ctl-other", provider_ref = "ghcr.io/acme/custom-provider:1.0" }));
        Assert.False((bool)unknown["success"]!);
        Assert.Contains("runs built-in providers only", (string?)unknown["message"]);
        await bus.EventAsync("provider_start_failed", d => (string?)d["provider_id"] == "ctl-other" && (string?)d["provider_ref"] == "ghcr.io/acme/custom-provider:1.0");

        Replied(await bus.RequestAsync($"provider.stop.{Host2}", Json(new { provider_id = id, host_id = Host2 })), true, "successfully stopped provider");
        var stopped = await bus.EventAsync("provider_stopped", d => (string?)d["provider_id"] == id);
        Assert.Equal(["host_id", "provider_id", "annotations", "reason", "instance_id", "public_key", "link_name"], Keys(stopped));
        Assert.Equal("stop", (string?)stopped["reason"]);
        Replied(await bus.RequestAsync($"provider.stop.{Host2}", Json(new { provider_id = id })), false, "provider with that ID is not running");
    }

    [SkippableFact]
    public async Task Claims_and_registries_are_answered_as_a_host_without_claims()
    {
        await using var bus = await BusAsync();
        Assert.Empty(Response(await bus.RequestAsync("claims.get")).AsArray());
        var registries = await bus.GatherAsync("registry.put", Json(new Dictionary<string, object> { ["ghcr.io"] = new { username = "u", password = "p" } }), 2, GatherWait);
        Assert.Equal(2, registries.Count);
        foreach (var r in registries) Replied(r, true, "successfully put registries");
    }

    [SkippableFact]
    public async Task Each_change_is_published_once_by_the_handler_or_else_by_the_leader()
    {
        await using var bus = await BusAsync();
        Replied(await bus.RequestAsync("config.put.ctl-by-nats", Json(new Dictionary<string, string> { ["k"] = "v" })), true, "successfully put config");
        CliAssert.Printed("config ctl-by-cli put (1 value(s))", Ops.Run(hosts.Hosts[1], "config", "put", "ctl-by-cli", "k=v"));
        await bus.EventAsync("config_set", d => (string?)d["config_name"] == "ctl-by-nats");
        await bus.EventAsync("config_set", d => (string?)d["config_name"] == "ctl-by-cli");

        // Past the leader's grace period a second copy would have gone out.
        await Task.Delay(Lattice.Node.Bridge.StateFeed.Grace + TimeSpan.FromSeconds(2));
        var byNats = Assert.Single(bus.Find("config_set", d => (string?)d["config_name"] == "ctl-by-nats"));
        var byCli = Assert.Single(bus.Find("config_set", d => (string?)d["config_name"] == "ctl-by-cli"));
        Assert.Contains((string)byNats["source"]!, hosts.HostIds);
        Assert.Contains((string)byCli["source"]!, hosts.HostIds);
    }
}
