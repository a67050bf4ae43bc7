using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Tests.Bridge;

/// <summary>One `lattice up --nats` host (the leader of its cluster) on a real nats-server with JetStream.</summary>
public sealed class OneBridgeHost : BridgeHosts
{
    public OneBridgeHost() : base(1)
    {
    }
}

/// <summary>
/// Links and configs are shared with wasmCloud hosts through the LATTICEDATA_/CONFIGDATA_ JetStream
/// buckets (protocol §3.6): what we change is written there in wasmCloud's format, and what a
/// wasmCloud host writes there (here: raw KV writes, as its host code does) becomes ours.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class SharedBucketsSpec(OneBridgeHost hosts) : IClassFixture<OneBridgeHost>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private sealed class Buckets(NatsConnection nats, INatsKVStore data, INatsKVStore config) : IAsyncDisposable
    {
        public INatsKVStore Data { get; } = data;

        public INatsKVStore Config { get; } = config;

        public ValueTask DisposeAsync() => nats.DisposeAsync();
    }

    /// <summary>The buckets as a wasmCloud host sees them, once our bridge has created them.</summary>
    private async Task<Buckets> BucketsAsync()
    {
        NatsTestServer.SkipUnlessInstalled();
        var nats = new NatsConnection(new NatsOpts { Url = hosts.Nats!.Url });
        var kv = new NatsKVContext(new NatsJSContext(nats));
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try { return new Buckets(nats, await kv.GetStoreAsync("LATTICEDATA_default"), await kv.GetStoreAsync("CONFIGDATA_default")); }
            catch (NatsJSApiException e) when (e.Error.Code == 404 && DateTime.UtcNow < deadline) { await Task.Delay(200); }
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    [SkippableFact]
    public async Task The_buckets_are_created_with_wasmclouds_default_settings()
    {
        await using var buckets = await BucketsAsync();
        await using var nats = new NatsConnection(new NatsOpts { Url = hosts.Nats!.Url });
        var js = new NatsJSContext(nats);
        foreach (var bucket in (string[])["LATTICEDATA_default", "CONFIGDATA_default"])
        {
            // async-nats's kv::Config::default(), as wasmCloud's create_bucket passes it: one value per key, file, one replica, no limits.
            var config = (await js.GetStreamAsync("KV_" + bucket)).Info.Config;
            Assert.Equal(1, config.MaxMsgsPerSubject);
            Assert.Equal(NATS.Client.JetStream.Models.StreamConfigStorage.File, config.Storage);
            Assert.Equal(1, config.NumReplicas);
            Assert.Equal(TimeSpan.Zero, config.MaxAge);
            Assert.True(config.AllowRollupHdrs);
            Assert.True(config.DenyDelete);
            Assert.Equal(["$KV." + bucket + ".>"], config.Subjects);
        }
    }

    private static byte[] Bytes(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    /// <summary>The key's value once <paramref name="done"/> accepts it (null: the key has none).</summary>
    private async Task<JsonNode?> KeyAsync(INatsKVStore store, string key, Func<JsonNode?, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        JsonNode? value = null;
        while (DateTime.UtcNow < deadline)
        {
            var entry = await store.TryGetEntryAsync<byte[]>(key);
            value = entry.Success ? JsonNode.Parse(entry.Value.Value ?? []) : null;
            if (done(value)) return value;
            await Task.Delay(100);
        }
        Assert.Fail($"{store.Bucket} {key} is {value?.ToJsonString() ?? "absent"}\n{hosts.Output}");
        return null;
    }

    private static JsonObject Response(JsonObject reply)
    {
        Assert.True((bool)reply["success"]!, reply.ToJsonString());
        return reply;
    }

    private async Task<JsonNode> LinksAsync(Wasmbus bus) => Response(await bus.RequestAsync("link.get"))["response"]!;

    /// <summary>Asks until <paramref name="done"/> accepts the reply.</summary>
    private async Task<JsonObject> EventuallyAsync(Wasmbus bus, string subject, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var reply = await bus.RequestAsync(subject);
            if (done(reply)) return reply;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{subject} still answers {reply.ToJsonString()}\n{hosts.Output}");
            await Task.Delay(100);
        }
    }

    private static bool HasLink(JsonObject reply, string source, string? target = null) =>
        reply["response"] is JsonArray links && links.Any(l => (string?)l!["source_id"] == source && (target is null || (string?)l["target"] == target));

    [SkippableFact]
    public async Task A_link_and_a_config_put_over_ctl_are_written_in_wasmclouds_format_and_removed_with_them()
    {
        await using var buckets = await BucketsAsync();
        await using var bus = await Wasmbus.ConnectAsync(hosts.Nats!.Url);

        Response(await bus.RequestAsync("config.put.kv-out-cfg", Json(new Dictionary<string, string> { ["bucket"] = "b1", ["ttl"] = "5" })));
        var config = await KeyAsync(buckets.Config, "kv-out-cfg", v => v is not null);
        Assert.Equal("""{"bucket":"b1","ttl":"5"}""", config!.ToJsonString());

        var link = new
        {
            source_id = "kv-out-src", target = "kv-out-tgt", name = "default", wit_namespace = "wasi", wit_package = "keyvalue",
            interfaces = new[] { "store", "atomics" }, source_config = Array.Empty<string>(), target_config = new[] { "kv-out-cfg" },
        };
        Response(await bus.RequestAsync("link.put", Json(link)));
        var spec = (await KeyAsync(buckets.Data, "COMPONENT_kv-out-src", v => v?["links"]?.AsArray().Count == 1))!.AsObject();
        Assert.Equal(["url", "links"], spec.Select(p => p.Key));
        Assert.Equal("", (string?)spec["url"]); // not a component of ours: no reference known
        var stored = spec["links"]![0]!.AsObject();
        Assert.Equal(["source_id", "target", "name", "wit_namespace", "wit_package", "interfaces", "source_config", "target_config"], stored.Select(p => p.Key));
        Assert.Equal("kv-out-src", (string?)stored["source_id"]);
        Assert.Equal("kv-out-tgt", (string?)stored["target"]);
        Assert.Equal("default", (string?)stored["name"]);
        Assert.Equal("wasi", (string?)stored["wit_namespace"]);
        Assert.Equal("keyvalue", (string?)stored["wit_package"]);
        Assert.Equal(["store", "atomics"], stored["interfaces"]!.AsArray().Select(i => (string?)i));
        Assert.Empty(stored["source_config"]!.AsArray());
        Assert.Equal(["kv-out-cfg"], stored["target_config"]!.AsArray().Select(i => (string?)i));

        // A second link of the same source is added to the key, and deleting one rewrites it.
        Response(await bus.RequestAsync("link.put", Json(link with { name = "second", target = "kv-out-other", target_config = Array.Empty<string>() })));
        await KeyAsync(buckets.Data, "COMPONENT_kv-out-src", v => v?["links"]?.AsArray().Count == 2);
        Response(await bus.RequestAsync("link.del", Json(new { source_id = "kv-out-src", wit_namespace = "wasi", wit_package = "keyvalue", name = "default" })));
        var after = await KeyAsync(buckets.Data, "COMPONENT_kv-out-src", v => v?["links"]?.AsArray().Count == 1);
        Assert.Equal("second", (string?)after!["links"]![0]!["name"]);

        Response(await bus.RequestAsync("config.del.kv-out-cfg"));
        await KeyAsync(buckets.Config, "kv-out-cfg", v => v is null);
    }

    [SkippableFact]
    public async Task A_component_started_over_ctl_gets_its_reference_as_url()
    {
        await using var buckets = await BucketsAsync();
        await using var bus = await Wasmbus.ConnectAsync(hosts.Nats!.Url);
        var bench = new Uri(TestPaths.Fixture("wat/bench.wasm")).AbsoluteUri;
        Response(await bus.RequestAsync($"component.scale.{hosts.HostIds[0]}",
            Json(new { component_ref = bench, component_id = "kv-url", count = 1, host_id = hosts.HostIds[0], config = Array.Empty<string>(), allow_update = false })));
        var spec = await KeyAsync(buckets.Data, "COMPONENT_kv-url", v => v is not null);
        Assert.Equal(bench, (string?)spec!["url"]);
        Assert.Empty(spec["links"]!.AsArray());
    }

    [SkippableFact]
    public async Task Entries_a_wasmcloud_host_writes_become_our_links_and_configs_without_second_events()
    {
        await using var buckets = await BucketsAsync();
        await using var bus = await Wasmbus.ConnectAsync(hosts.Nats!.Url);

        // A wasmCloud host's link.put: the config first, then the source's specification.
        await buckets.Config.PutAsync("kv-in-cfg", Bytes(new Dictionary<string, string> { ["url"] = "redis://x" }));
        object Link(string name, string target, string[] targetConfig) => new
        {
            source_id = "kv-in-src", target, name, wit_namespace = "wasi", wit_package = "keyvalue",
            interfaces = new[] { "store" }, source_config = Array.Empty<string>(), target_config = targetConfig,
        };
        await buckets.Data.PutAsync("COMPONENT_kv-in-src", Bytes(new
        {
            url = "ghcr.io/example/kv-in:0.1.0",
            links = new[] { Link("default", "kv-in-tgt", ["kv-in-cfg"]), Link("cache", "kv-in-cache", []) },
        }));

        var config = await EventuallyAsync(bus, "config.get.kv-in-cfg", r => r["response"] is not null);
        Assert.Equal("""{"url":"redis://x"}""", config["response"]!.ToJsonString());
        var links = await EventuallyAsync(bus, "link.get", r => HasLink(r, "kv-in-src", "kv-in-tgt") && HasLink(r, "kv-in-src", "kv-in-cache"));
        var imported = links["response"]!.AsArray().Single(l => (string?)l!["name"] == "default" && (string?)l["source_id"] == "kv-in-src")!;
        Assert.Equal(JsonSerializer.SerializeToNode(Link("default", "kv-in-tgt", ["kv-in-cfg"]))!.ToJsonString(), imported.ToJsonString());
        var cli = Ops.Json(hosts.Hosts[0], "get", "links").AsArray();
        Assert.Contains(cli, l => l!.ToJsonString().Contains("kv-in-cache", StringComparison.Ordinal));

        // The writer announced these: ours does not. A later change made here (the CLI) is announced by
        // our leader in order, so once its event is out, any event for the imports would be out too.
        CliAssert.Printed("config kv-in-marker put (1 value(s))", Ops.Run(hosts.Hosts[0], "config", "put", "kv-in-marker", "k=v"));
        await bus.EventAsync("config_set", d => (string?)d["config_name"] == "kv-in-marker");
        Assert.Empty(bus.Find("config_set", d => (string?)d["config_name"] == "kv-in-cfg"));
        Assert.Empty(bus.Find("linkdef_set", d => (string?)d["source_id"] == "kv-in-src"));

        // The wasmCloud host deletes one link: the source's specification without it.
        await buckets.Data.PutAsync("COMPONENT_kv-in-src", Bytes(new { url = "ghcr.io/example/kv-in:0.1.0", links = new[] { Link("default", "kv-in-tgt", ["kv-in-cfg"]) } }));
        var left = await EventuallyAsync(bus, "link.get", r => !HasLink(r, "kv-in-src", "kv-in-cache"));
        Assert.True(HasLink(left, "kv-in-src", "kv-in-tgt"), left.ToJsonString());

        // ... and a config delete (wasmCloud purges the key).
        await buckets.Config.PurgeAsync("kv-in-cfg");
        await EventuallyAsync(bus, "config.get.kv-in-cfg", r => r["response"] is null);
    }

    [SkippableFact]
    public async Task A_link_naming_a_config_that_arrives_later_is_applied_when_it_arrives()
    {
        await using var buckets = await BucketsAsync();
        await using var bus = await Wasmbus.ConnectAsync(hosts.Nats!.Url);
        await buckets.Data.PutAsync("COMPONENT_kv-late-src", Bytes(new
        {
            url = "",
            links = new[] { new { source_id = "kv-late-src", target = "kv-late-tgt", name = "default", wit_namespace = "wasi", wit_package = "blobstore",
                interfaces = new[] { "blobstore" }, source_config = new[] { "kv-late-cfg" }, target_config = Array.Empty<string>() } },
        }));
        Assert.Contains("waits for config kv-late-cfg", await OutputAsync("waits for config kv-late-cfg"));
        Assert.False(HasLink(await bus.RequestAsync("link.get"), "kv-late-src"));

        await buckets.Config.PutAsync("kv-late-cfg", Bytes(new Dictionary<string, string> { ["container"] = "c" }));
        await EventuallyAsync(bus, "link.get", r => HasLink(r, "kv-late-src", "kv-late-tgt"));
    }

    [SkippableFact]
    public async Task Malformed_json_in_a_key_is_logged_and_changes_nothing_here()
    {
        await using var buckets = await BucketsAsync();
        await using var bus = await Wasmbus.ConnectAsync(hosts.Nats!.Url);
        var link = new
        {
            source_id = "kv-bad-src", target = "kv-bad-tgt", name = "default", wit_namespace = "wasi", wit_package = "keyvalue",
            interfaces = new[] { "store" }, source_config = Array.Empty<string>(), target_config = Array.Empty<string>(),
        };
        Response(await bus.RequestAsync("link.put", Json(link)));
        Response(await bus.RequestAsync("config.put.kv-bad-cfg", Json(new Dictionary<string, string> { ["k"] = "v" })));
        await KeyAsync(buckets.Data, "COMPONENT_kv-bad-src", v => v?["links"]?.AsArray().Count == 1);
        await KeyAsync(buckets.Config, "kv-bad-cfg", v => v is not null);

        await buckets.Data.PutAsync("COMPONENT_kv-bad-src", Encoding.UTF8.GetBytes("{\"url\": \"x\", \"links\": [ {\"source_id\": 7"));
        await buckets.Config.PutAsync("kv-bad-cfg", Encoding.UTF8.GetBytes("{\"port\": 8080}"));
        await OutputAsync("bucket CONFIGDATA_default key kv-bad-cfg holds malformed JSON");
        Assert.Contains("bucket LATTICEDATA_default key COMPONENT_kv-bad-src holds malformed JSON", hosts.Output);

        var pings = await bus.GatherAsync("host.ping", null, 1, Wait);
        Assert.Single(pings);
        Assert.True(HasLink(await bus.RequestAsync("link.get"), "kv-bad-src", "kv-bad-tgt"));
        Assert.Equal("""{"k":"v"}""", (await bus.RequestAsync("config.get.kv-bad-cfg"))["response"]!.ToJsonString());
    }

    /// <summary>The hosts' output once it contains <paramref name="text"/>.</summary>
    private async Task<string> OutputAsync(string text)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!hosts.Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"no \"{text}\" in the output:\n{hosts.Output}");
            await Task.Delay(100);
        }
        return hosts.Output;
    }
}
