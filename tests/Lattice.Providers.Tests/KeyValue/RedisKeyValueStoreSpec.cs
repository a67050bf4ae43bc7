using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;
using StackExchange.Redis;

namespace Lattice.Tests.Providers.KeyValue;

/// <summary>What only the Redis backend promises: where its URL comes from, its layout, its errors.</summary>
public sealed class RedisKeyValueStoreSpec
{
    private static IProviderBackend Open(Dictionary<string, string>? providerConfig = null) =>
        KeyValueProvider.Redis.Open(new ProviderContext("kv-redis", providerConfig ?? [], new LatticeHostOptions { DataDirectory = Path.GetTempPath() }));

    private static ProviderLink Link(Dictionary<string, string>? targetConfig = null) => new("component", "default", ["store"], targetConfig ?? []);

    private static string DeadUrl() => $"redis://127.0.0.1:{LocalServer.FreePort()}";

    [SkippableFact]
    public void The_link_target_config_url_wins_over_the_provider_config_and_names_match_in_any_case()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        using var redis = new RedisServer();
        var dead = DeadUrl();
        using var kv = Open(new() { ["Url"] = dead });
        Assert.Null(kv.Handle(new ProviderRequest("set", ["b", "k"], [1]), Link(new() { ["url"] = redis.Url })).Error);
        Assert.True(kv.Handle(new ProviderRequest("exists", ["b", "k"]), Link(new() { ["URL"] = redis.Url })).Found);
        // A link without a URL falls back to the provider's config: here, a port nobody listens on.
        var down = kv.Handle(new ProviderRequest("get", ["b", "k"]), Link());
        Assert.Contains($"cannot reach Redis at {dead}", down.Error);
    }

    [SkippableFact]
    public void Each_url_is_its_own_server_and_connection()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        using var one = new RedisServer();
        using var two = new RedisServer();
        using var kv = Open();
        kv.Handle(new ProviderRequest("set", ["b", "k"], "one"u8.ToArray()), Link(new() { ["URL"] = one.Url }));
        Assert.False(kv.Handle(new ProviderRequest("exists", ["b", "k"]), Link(new() { ["URL"] = two.Url })).Found);
        Assert.Equal("one", Encoding.UTF8.GetString(kv.Handle(new ProviderRequest("get", ["b", "k"]), Link(new() { ["URL"] = one.Url })).Payload!));
    }

    [SkippableFact]
    public void A_bucket_is_a_redis_hash_named_after_it()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        using var redis = new RedisServer();
        using var kv = Open(new() { ["URL"] = redis.Url });
        kv.Handle(new ProviderRequest("set", ["sessions", "user:1"], "alice"u8.ToArray()), Link());
        kv.Handle(new ProviderRequest("increment", ["sessions", "count"], Number: 5), Link());
        using var raw = ConnectionMultiplexer.Connect($"127.0.0.1:{redis.Port}");
        Assert.Equal("alice", (string?)raw.GetDatabase().HashGet("sessions", "user:1"));
        Assert.Equal("5", (string?)raw.GetDatabase().HashGet("sessions", "count"));
    }

    [SkippableFact]
    public void A_key_of_another_type_cannot_be_a_bucket_and_says_so()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        using var redis = new RedisServer();
        using (var raw = ConnectionMultiplexer.Connect($"127.0.0.1:{redis.Port}")) raw.GetDatabase().StringSet("plain", "x");
        using var kv = Open(new() { ["URL"] = redis.Url });
        Assert.Contains("holds something other than a hash", kv.Handle(new ProviderRequest("get", ["plain", "k"]), Link()).Error);
    }

    [SkippableFact]
    public void A_server_that_goes_away_is_an_error_naming_the_url_and_the_backend_recovers_when_it_is_back()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        var redis = new RedisServer();
        var url = redis.Url;
        using var kv = Open(new() { ["URL"] = url });
        Assert.Null(kv.Handle(new ProviderRequest("set", ["b", "k"], [1]), Link()).Error);
        redis.Dispose();
        var error = kv.Handle(new ProviderRequest("get", ["b", "k"]), Link()).Error;
        Assert.NotNull(error);
        Assert.Contains(url, error);
    }

    [Fact]
    public void Urls_are_read_the_redis_way_and_passwords_never_reach_an_error()
    {
        var url = RedisUrl.Parse("redis://app:s3cret@cache.example:6390/2");
        Assert.Equal("cache.example:6390", url.Options.EndPoints.Single().ToString()!.Replace("Unspecified/", ""));
        Assert.Equal("app", url.Options.User);
        Assert.Equal("s3cret", url.Options.Password);
        Assert.Equal(2, url.Options.DefaultDatabase);
        Assert.False(url.Options.Ssl);
        Assert.DoesNotContain("s3cret", url.Safe);
        Assert.True(RedisUrl.Parse("rediss://:pw@h").Options.Ssl);
        Assert.Equal("pw", RedisUrl.Parse("rediss://:pw@h").Options.Password);
        Assert.Equal(6379, ((System.Net.DnsEndPoint)RedisUrl.Parse("redis://h").Options.EndPoints.Single()).Port);
        Assert.Contains("is not a Redis URL", Assert.Throws<KeyValueException>(() => RedisUrl.Parse("http://h")).Message);
        Assert.Contains("database number", Assert.Throws<KeyValueException>(() => RedisUrl.Parse("redis://:pw@h/x")).Message);
        Assert.DoesNotContain("pw", Assert.Throws<KeyValueException>(() => RedisUrl.Parse("redis://:pw@h/x")).Message);

        using var kv = Open(new() { ["URL"] = $"redis://user:hunter2@127.0.0.1:{LocalServer.FreePort()}" });
        var error = kv.Handle(new ProviderRequest("get", ["b", "k"]), Link()).Error;
        Assert.Contains("cannot reach Redis at redis://***@127.0.0.1:", error);
        Assert.DoesNotContain("hunter2", error);
    }
}
