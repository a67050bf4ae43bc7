using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Providers.KeyValue;

namespace Lattice.Tests.Providers;

/// <summary>The key-value backend on a real SQLite file.</summary>
public sealed class SqlKeyValueStoreSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lattice-kv-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private IProviderBackend Open(string id = "kv") =>
        new KeyValueProvider().Open(new ProviderContext(id, new Dictionary<string, string>(), new LatticeHostOptions { DataDirectory = _dir }));

    [Fact]
    public void Set_get_exists_delete()
    {
        using var kv = Open();
        Assert.False(kv.Handle(new ProviderRequest("get", ["b", "k"])).Found);
        Assert.Null(kv.Handle(new ProviderRequest("set", ["b", "k"], "v1"u8.ToArray())).Error);
        Assert.Equal("v1", Encoding.UTF8.GetString(kv.Handle(new ProviderRequest("get", ["b", "k"])).Payload!));
        kv.Handle(new ProviderRequest("set", ["b", "k"], "v2"u8.ToArray()));
        Assert.Equal("v2", Encoding.UTF8.GetString(kv.Handle(new ProviderRequest("get", ["b", "k"])).Payload!));
        Assert.True(kv.Handle(new ProviderRequest("exists", ["b", "k"])).Found);
        Assert.False(kv.Handle(new ProviderRequest("exists", ["other-bucket", "k"])).Found);
        kv.Handle(new ProviderRequest("delete", ["b", "k"]));
        Assert.False(kv.Handle(new ProviderRequest("exists", ["b", "k"])).Found);
    }

    [Fact]
    public void Increment_counts_in_decimal_and_survives_reopening()
    {
        using (var kv = Open())
        {
            Assert.Equal(1ul, kv.Handle(new ProviderRequest("increment", ["b", "n"], Number: 1)).Number);
            Assert.Equal(11ul, kv.Handle(new ProviderRequest("increment", ["b", "n"], Number: 10)).Number);
            Assert.Equal("11", Encoding.ASCII.GetString(kv.Handle(new ProviderRequest("get", ["b", "n"])).Payload!));
            kv.Handle(new ProviderRequest("set", ["b", "text"], "abc"u8.ToArray()));
            Assert.Contains("not a counter", kv.Handle(new ProviderRequest("increment", ["b", "text"], Number: 1)).Error);
        }
        using var again = Open();
        Assert.Equal(12ul, again.Handle(new ProviderRequest("increment", ["b", "n"], Number: 1)).Number);
        using var other = Open("kv2"); // another provider id sees its own data
        Assert.Equal(1ul, other.Handle(new ProviderRequest("increment", ["b", "n"], Number: 1)).Number);
    }

    [Fact]
    public void List_keys_pages_with_a_cursor()
    {
        using var kv = Open();
        for (var i = 0; i < 1005; i++) kv.Handle(new ProviderRequest("set", ["b", $"k{i:D4}"], [1]));
        var first = kv.Handle(new ProviderRequest("list-keys", ["b"]));
        Assert.Equal(1000, first.Items!.Length);
        Assert.True(first.Found); // there is a next page
        var second = kv.Handle(new ProviderRequest("list-keys", ["b"], Number: first.Number));
        Assert.Equal(["k1000", "k1001", "k1002", "k1003", "k1004"], second.Items!);
        Assert.False(second.Found);
    }

    [Fact]
    public void Unknown_operations_are_errors_not_crashes()
    {
        using var kv = Open();
        Assert.Contains("unknown key-value operation", kv.Handle(new ProviderRequest("frobnicate", ["b"])).Error);
    }
}

internal static class BackendCalls
{
    private static readonly ProviderLink Direct = new("test", "default", ["store", "atomics"], new Dictionary<string, string>());

    /// <summary>A request as if it came through a plain link with no target config.</summary>
    public static ProviderResult Handle(this IProviderBackend backend, ProviderRequest request) => backend.Handle(request, Direct);
}
