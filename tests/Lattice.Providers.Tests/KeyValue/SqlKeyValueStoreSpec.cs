using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;

namespace Lattice.Tests.Providers;

/// <summary>What only the SQL backend promises, on a real SQLite file (the rest: KeyValueConformance).</summary>
public sealed class SqlKeyValueStoreSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-kv-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private IProviderBackend Open(string id = "kv") =>
        KeyValueProvider.Sql.Open(new ProviderContext(id, new Dictionary<string, string>(), new LatticeHostOptions { DataDirectory = _dir }));

    [Fact]
    public void Each_provider_id_is_its_own_keyspace_in_the_shared_database()
    {
        using var kv = Open();
        using var other = Open("kv2");
        Assert.Equal(11ul, kv.Handle(new ProviderRequest("increment", ["b", "n"], Number: 11)).Number);
        Assert.Equal(1ul, other.Handle(new ProviderRequest("increment", ["b", "n"], Number: 1)).Number);
        other.Handle(new ProviderRequest("set", ["b", "only-in-kv2"], [1]));
        Assert.False(kv.Handle(new ProviderRequest("exists", ["b", "only-in-kv2"])).Found);
        Assert.Equal("11", System.Text.Encoding.ASCII.GetString(kv.Handle(new ProviderRequest("get", ["b", "n"])).Payload!));
    }

    [Fact]
    public void List_keys_pages_in_key_order_and_the_cursor_is_an_offset()
    {
        using var kv = Open();
        for (var i = 1004; i >= 0; i--) kv.Handle(new ProviderRequest("set", ["b", $"k{i:D4}"], [1]));
        var first = kv.Handle(new ProviderRequest("list-keys", ["b"]));
        Assert.Equal(1000, first.Items!.Length);
        Assert.Equal("k0000", first.Items[0]);
        Assert.True(first.Found);
        Assert.Equal(1000ul, first.Number);
        var second = kv.Handle(new ProviderRequest("list-keys", ["b"], Number: first.Number));
        Assert.Equal(["k1000", "k1001", "k1002", "k1003", "k1004"], second.Items!);
        Assert.False(second.Found);
        Assert.Empty(kv.Handle(new ProviderRequest("list-keys", ["b"], Number: ulong.MaxValue)).Items!);
    }
}

internal static class BackendCalls
{
    private static readonly ProviderLink Direct = new("test", "default", ["store", "atomics"], new Dictionary<string, string>());

    /// <summary>A request as if it came through a plain link with no target config.</summary>
    public static ProviderResult Handle(this IProviderBackend backend, ProviderRequest request) => backend.Handle(request, Direct);
}
