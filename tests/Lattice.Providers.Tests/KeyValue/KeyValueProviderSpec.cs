using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers;

/// <summary>A real component (kvcounter.wasm) using wasi:keyvalue through a link to each key-value provider kind.</summary>
public sealed class KeyValueProviderSpec
{
    private static Task<string> Call(SingleHost host, string function, params string[] args) => host.Client.CallJsonAsync("counter", function, args);

    /// <summary>Deploys the counter and provider <paramref name="kind"/> (with optional provider and link target configs).</summary>
    private static async Task Deploy(SingleHost host, string kind, Dictionary<string, string>? providerConfig = null, Dictionary<string, string>? targetConfig = null)
    {
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(TestPaths.Fixture("wat/kvcounter.wasm")));
        if (providerConfig is not null) await host.Client.SendAsync(new PutConfig(new NamedConfig("kv-provider", providerConfig)));
        if (targetConfig is not null) await host.Client.SendAsync(new PutConfig(new NamedConfig("kv-link", targetConfig)));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", kind, providerConfig is null ? null : ["kv-provider"])));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("counter", sha, 1)));
        await host.Client.SendAsync(new PutLink(new LinkDefinition("counter", "kv", "wasi", "keyvalue", ["store", "atomics"],
            TargetConfig: targetConfig is null ? null : ["kv-link"])));
    }

    /// <summary>Counting, storing and fetching through the component, the same on every backend.</summary>
    private static async Task CountsAndStores(SingleHost host)
    {
        Assert.Equal("{\"ok\":1}", await EventualCalls.Eventually(() => Call(host, "increment", "\"visits\"", "\"home\""), r => r.StartsWith("{\"ok\"")));
        Assert.Equal("{\"ok\":2}", await Call(host, "increment", "\"visits\"", "\"home\""));
        Assert.Equal("{\"ok\":null}", await Call(host, "put", "\"notes\"", "\"a\"", "\"héllo\""));
        Assert.Equal("{\"ok\":\"héllo\"}", await Call(host, "fetch", "\"notes\"", "\"a\""));
        Assert.Equal("{\"ok\":null}", await Call(host, "fetch", "\"notes\"", "\"missing\""));
        Assert.Equal("{\"ok\":\"2\"}", await Call(host, "fetch", "\"visits\"", "\"home\""));
        // A backend error is the interface's own error, which the component turns into err(text).
        Assert.Equal("{\"ok\":null}", await Call(host, "put", "\"notes\"", "\"text\"", "\"abc\""));
        Assert.Contains("not a counter", await Call(host, "increment", "\"notes\"", "\"text\""));
    }

    [Fact]
    public async Task A_component_counts_through_a_linked_provider_and_the_count_survives_a_restart()
    {
        var options = SingleHost.NewOptions();
        await using (var host = await SingleHost.StartAsync(options, BuiltInProviders.Catalog))
        {
            var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(TestPaths.Fixture("wat/kvcounter.wasm")));
            await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", "keyvalue")));
            await host.Client.SendAsync(new StartComponent(new ComponentSpec("counter", sha, 1)));

            // No link yet: the interface's own error type says so (deny by default), no trap.
            var denied = await EventualCalls.Eventually(() => Call(host, "increment", "\"visits\"", "\"home\""), r => r.StartsWith("{\"err\""));
            Assert.Contains("no link for wasi:keyvalue/atomics", denied);

            await host.Client.SendAsync(new PutLink(new LinkDefinition("counter", "kv", "wasi", "keyvalue", ["store", "atomics"])));
            await CountsAndStores(host);
        }

        await using var again = await SingleHost.StartAsync(options with { Port = SingleHost.NewOptions().Port }, BuiltInProviders.Catalog);
        Assert.Equal("{\"ok\":3}", await EventualCalls.Eventually(() => Call(again, "increment", "\"visits\"", "\"home\""), r => r.StartsWith("{\"ok\"")));
    }

    [SkippableFact]
    public async Task A_component_counts_in_redis_named_by_its_link()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        using var redis = new RedisServer();
        await using var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        await Deploy(host, "keyvalue-redis", targetConfig: new() { ["URL"] = redis.Url });
        await CountsAndStores(host);
        using var raw = StackExchange.Redis.ConnectionMultiplexer.Connect($"127.0.0.1:{redis.Port}");
        Assert.Equal("2", (string?)raw.GetDatabase().HashGet("visits", "home"));
    }

    [SkippableFact]
    public async Task A_component_counts_in_nats_jetstream_named_by_the_provider_config()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        using var nats = new NatsServer();
        await using var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        await Deploy(host, "keyvalue-nats", providerConfig: new() { ["cluster_uri"] = nats.Url });
        await CountsAndStores(host);
    }

    [Fact]
    public async Task A_backend_that_is_down_is_an_error_the_component_reads_naming_the_url()
    {
        await using var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        var url = $"redis://127.0.0.1:{LocalServer.FreePort()}";
        await Deploy(host, "keyvalue-redis", targetConfig: new() { ["URL"] = url });
        var error = await EventualCalls.Eventually(() => Call(host, "increment", "\"visits\"", "\"home\""), r => r.Contains("Redis"));
        Assert.StartsWith("{\"err\":", error);
        Assert.Contains($"cannot reach Redis at {url}", error);
    }
}
