using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;

namespace Lattice.Tests.Providers.KeyValue;

// The conformance suite once per backend. Servers are started once per class, and only when their
// binary is installed; without it every spec of the class is skipped (or fails, in CI) with the reason.

public sealed class SqliteKeyValueConformance : KeyValueConformance, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-kv-").FullName;

    protected override IProviderBackend NewBackend() =>
        KeyValueProvider.Sql.Open(new ProviderContext("kv", new Dictionary<string, string>(), new LatticeHostOptions { DataDirectory = _dir }));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class PostgresFixture : IDisposable
{
    internal PostgresServer? Server { get; } = PostgresServer.Binaries is null ? null : PostgresServer.Start();

    public void Dispose() => Server?.Dispose();
}

public sealed class PostgresKeyValueConformance(PostgresFixture postgres) : KeyValueConformance, IClassFixture<PostgresFixture>
{
    protected override IProviderBackend NewBackend()
    {
        if (postgres.Server is not { } pg)
        {
            if (PostgresServer.Required) Assert.Fail(PostgresServer.MissingReason);
            Skip.If(true, PostgresServer.MissingReason);
            throw new InvalidOperationException();
        }
        var options = new LatticeHostOptions { DataDirectory = Path.GetTempPath(), Database = pg.ConnectionString(), DatabaseProvider = "PostgreSQL.15" };
        return KeyValueProvider.Sql.Open(new ProviderContext("kv", new Dictionary<string, string>(), options));
    }
}

public sealed class RedisFixture : IDisposable
{
    public RedisServer? Server { get; } = RedisServer.Binary is null ? null : new RedisServer();

    public void Dispose() => Server?.Dispose();
}

/// <summary>Redis, its URL given the wasmCloud way: in the link's target config.</summary>
public sealed class RedisKeyValueConformance(RedisFixture redis) : KeyValueConformance, IClassFixture<RedisFixture>
{
    protected override ProviderLink Link => new("component", "default", ["store", "atomics", "batch"],
        new Dictionary<string, string> { ["URL"] = redis.Server?.Url ?? "" });

    protected override IProviderBackend NewBackend()
    {
        LocalServer.SkipUnlessInstalled(RedisServer.Binary, RedisServer.MissingReason);
        return KeyValueProvider.Redis.Open(new ProviderContext("kv-redis", new Dictionary<string, string>(), new LatticeHostOptions { DataDirectory = Path.GetTempPath() }));
    }
}

public sealed class NatsFixture : IDisposable
{
    public NatsServer? Server { get; } = NatsServer.Binary is null ? null : new NatsServer();

    public void Dispose() => Server?.Dispose();
}

/// <summary>NATS JetStream KV, its server given in the provider's own config (the fallback to link config).</summary>
public sealed class NatsKeyValueConformance(NatsFixture nats) : KeyValueConformance, IClassFixture<NatsFixture>
{
    protected override IProviderBackend NewBackend()
    {
        LocalServer.SkipUnlessInstalled(NatsServer.Binary, NatsServer.MissingReason);
        return KeyValueProvider.Nats.Open(new ProviderContext("kv-nats", new Dictionary<string, string> { ["cluster_uri"] = nats.Server!.Url },
            new LatticeHostOptions { DataDirectory = Path.GetTempPath() }));
    }
}
