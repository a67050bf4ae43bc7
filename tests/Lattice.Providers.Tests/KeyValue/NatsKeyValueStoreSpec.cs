using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Lattice.Tests.Providers.KeyValue;

/// <summary>What only the NATS backend promises: its config keys (wasmCloud's), bucket naming, its errors.</summary>
public sealed class NatsKeyValueStoreSpec
{
    private static IProviderBackend Open(Dictionary<string, string>? providerConfig = null) =>
        KeyValueProvider.Nats.Open(new ProviderContext("kv-nats", providerConfig ?? [], new LatticeHostOptions { DataDirectory = Path.GetTempPath() }));

    private static ProviderLink Link(Dictionary<string, string>? targetConfig = null) => new("component", "default", ["store"], targetConfig ?? []);

    private static async Task<string?> RawGet(NatsServer nats, string bucket, string key)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = nats.Url });
        var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(bucket);
        var entry = await store.TryGetEntryAsync<byte[]>(key);
        return entry.Success ? Encoding.UTF8.GetString(entry.Value.Value ?? []) : null;
    }

    [SkippableFact]
    public async Task Without_bucket_config_each_store_is_a_nats_bucket_named_after_it()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        using (var kv = Open())
            Assert.Null(kv.Handle(new ProviderRequest("set", ["my.cache", "user.1"], "alice"u8.ToArray()), Link(new() { ["CLUSTER_URI"] = nats.Url })).Error);
        Assert.Equal("alice", await RawGet(nats, "my_2Ecache", "user.1"));
    }

    [SkippableFact]
    public async Task The_bucket_config_names_one_nats_bucket_for_every_store_as_wasmcloud_does()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        using var kv = Open(new() { ["cluster_uri"] = nats.Url });
        var link = Link(new() { ["bucket"] = "wasmcloud" });
        Assert.Null(kv.Handle(new ProviderRequest("set", ["default", "counter"], "7"u8.ToArray()), link).Error);
        Assert.Equal("7", await RawGet(nats, "wasmcloud", "counter"));
        Assert.True(kv.Handle(new ProviderRequest("exists", ["any-other-name", "counter"]), link).Found);
        Assert.False(kv.Handle(new ProviderRequest("exists", ["default", "counter"]), Link()).Found); // no bucket config: the store "default"
    }

    [SkippableFact]
    public void With_auto_create_off_a_missing_bucket_is_no_such_store()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        using var kv = Open(new() { ["cluster_uri"] = nats.Url, ["enable_bucket_auto_create"] = "false" });
        var missing = kv.Handle(new ProviderRequest("get", ["nowhere", "k"]), Link());
        Assert.True(KeyValueErrors.IsNoSuchStore(missing), missing.Error);
        Assert.Contains("no key-value bucket 'nowhere'", missing.Error);
        // The link may turn it on for its component.
        Assert.Null(kv.Handle(new ProviderRequest("set", ["nowhere", "k"], [1]), Link(new() { ["Enable_Bucket_Auto_Create"] = "true" })).Error);
        Assert.True(kv.Handle(new ProviderRequest("exists", ["nowhere", "k"]), Link()).Found);
        Assert.Contains("must be true or false", kv.Handle(new ProviderRequest("get", ["other", "k"]), Link(new() { ["enable_bucket_auto_create"] = "maybe" })).Error);
    }

    [Fact]
    public void A_server_that_is_not_there_is_an_error_naming_its_uri()
    {
        var uri = $"nats://127.0.0.1:{LocalServer.FreePort()}";
        using var kv = Open(new() { ["cluster_uri"] = uri });
        var result = kv.Handle(new ProviderRequest("get", ["b", "k"]), Link());
        Assert.Contains($"cannot reach NATS at {uri}", result.Error);
        var secret = kv.Handle(new ProviderRequest("get", ["b", "k"]), Link(new() { ["cluster_uri"] = uri.Replace("nats://", "nats://app:hunter2@") }));
        Assert.Contains("cannot reach NATS at nats://***@127.0.0.1:", secret.Error);
        Assert.DoesNotContain("hunter2", secret.Error);
    }

    [SkippableFact]
    public void A_value_over_the_servers_max_payload_is_an_error_not_a_crash()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer(maxPayload: "64KB");
        using var kv = Open(new() { ["cluster_uri"] = nats.Url });
        var result = kv.Handle(new ProviderRequest("set", ["b", "big"], new byte[100_000]), Link());
        Assert.NotNull(result.Error);
        Assert.Contains(nats.Url, result.Error);
        Assert.Null(kv.Handle(new ProviderRequest("set", ["b", "small"], new byte[1000]), Link()).Error); // the connection lives on
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("user.1", "user.1")]
    [InlineData("a/b-c_d", "a/b-c_d")]
    [InlineData("", "=")]
    [InlineData("x=1", "x=3D1")]
    [InlineData(".a.", "=2Ea=2E")]
    [InlineData("a..b", "a=2E=2Eb")]
    [InlineData("héllo wörld", "h=C3=A9llo=20w=C3=B6rld")]
    [InlineData("*>", "=2A=3E")]
    public void Keys_map_to_valid_nats_keys_and_back(string key, string nats)
    {
        Assert.Equal(nats, NatsNames.Key(key));
        Assert.True(NatsKVStore.IsValidKey(nats).Success, nats);
        Assert.Equal(key, NatsNames.KeyFromNats(nats));
    }

    [Theory]
    [InlineData("visits", "visits")]
    [InlineData("my.cache", "my_2Ecache")]
    [InlineData("a_b", "a_5Fb")]
    [InlineData("日本", "_E6_97_A5_E6_9C_AC")]
    public void Store_names_map_to_valid_bucket_names(string store, string bucket) => Assert.Equal(bucket, NatsNames.Bucket(store));
}
