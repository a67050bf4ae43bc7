using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A bridge that becomes leader with both sides already holding links and configs reconciles them as
/// a union: what only the buckets hold becomes ours, what only we hold is written to the buckets.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class SharedBucketsReconcileSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task A_new_leader_takes_in_the_buckets_writes_what_only_we_have_and_goes_on_after_a_nats_restart()
    {
        NatsTestServer.SkipUnlessInstalled();
        var root = Directory.CreateTempSubdirectory("lattice-kv-union-").FullName;
        var database = $"Data Source={Path.Combine(root, "lattice.db")};Default Timeout=30;Pooling=True";
        using var server = new NatsTestServer();
        try
        {
            // Ours, made while no bridge ran.
            using (var alone = HostProcess.Start("host-alone", Path.Combine(root, "host"), database, []))
            {
                await alone.WaitUpAsync();
                Ops.Json(alone, "config", "put", "union-ours-cfg", "k=ours");
                Ops.Json(alone, "link", "put", "union-ours", "union-tgt", "wasi:keyvalue/store");
            }

            // Theirs, written by wasmCloud hosts meanwhile.
            await using var nats = new NatsConnection(new NatsOpts { Url = server.Url });
            var kv = new NatsKVContext(new NatsJSContext(nats));
            var data = await kv.CreateStoreAsync(new NatsKVConfig("LATTICEDATA_default"));
            var config = await kv.CreateStoreAsync(new NatsKVConfig("CONFIGDATA_default"));
            await config.PutAsync("union-theirs-cfg", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["k"] = "theirs" }));
            await data.PutAsync("COMPONENT_union-theirs", JsonSerializer.SerializeToUtf8Bytes(new
            {
                url = "ghcr.io/example/theirs:1",
                links = new[] { new { source_id = "union-theirs", target = "union-tgt", name = "default", wit_namespace = "wasi", wit_package = "blobstore",
                    interfaces = new[] { "blobstore" }, source_config = new[] { "union-theirs-cfg" }, target_config = Array.Empty<string>() } },
            }));

            using var host = HostProcess.Start("host-bridged", Path.Combine(root, "host"), database, ["--nats", server.Url]);
            await host.WaitUpAsync();

            var ours = await KeyAsync(data, "COMPONENT_union-ours", host);
            var link = ours["links"]!.AsArray().Single()!;
            Assert.Equal("union-tgt", (string?)link["target"]);
            Assert.Equal("keyvalue", (string?)link["wit_package"]);
            Assert.Equal("ours", (string?)(await KeyAsync(config, "union-ours-cfg", host))["k"]);

            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                var links = Ops.Json(host, "get", "links").ToJsonString();
                var configs = Ops.Run(host, "get", "config", "union-theirs-cfg");
                if (links.Contains("union-theirs", StringComparison.Ordinal) && configs.ExitCode == 0) break;
                if (DateTime.UtcNow > deadline) Assert.Fail($"not taken in: {links}\n{host.Output}");
                await Task.Delay(200);
            }
            // Theirs stays as it was (nothing of ours belongs in it).
            var theirs = await KeyAsync(data, "COMPONENT_union-theirs", host);
            Assert.Equal("ghcr.io/example/theirs:1", (string?)theirs["url"]);
            Assert.Single(theirs["links"]!.AsArray());

            // NATS restarts (same JetStream store): the mirror goes on once the bridge is back.
            server.Kill();
            server.Start();
            Ops.Json(host, "link", "put", "union-after", "union-tgt", "wasi:keyvalue/store");
            var after = await KeyAsync(data, "COMPONENT_union-after", host);
            Assert.Equal("union-after", (string?)after["links"]![0]!["source_id"]);
            await config.PutAsync("union-after-cfg", JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["k"] = "watched" }));
            var watched = DateTime.UtcNow + Wait;
            while (Ops.Run(host, "get", "config", "union-after-cfg").ExitCode != 0)
            {
                if (DateTime.UtcNow > watched) Assert.Fail($"the watch did not survive the restart\n{host.Output}");
                await Task.Delay(200);
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<JsonNode> KeyAsync(INatsKVStore store, string key, HostProcess host)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var entry = await store.TryGetEntryAsync<byte[]>(key);
            if (entry.Success && entry.Value.Value is { } value) return JsonNode.Parse(value)!;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{store.Bucket} has no {key}\n{host.Output}");
            await Task.Delay(100);
        }
    }
}
