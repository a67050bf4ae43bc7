using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers.KeyValue;

/// <summary>
/// An export taking a wasi:keyvalue bucket handle (wasi:keyvalue/watcher's on-set and on-delete) called
/// through the lattice with the bucket's name as JSON: the instance makes the bucket itself, and the
/// watcher (kvwatcher.wasm, tests/fixtures/wat) writes `seen-{key}` through that handle, so reading it
/// back from the named bucket proves the handle stood for it. Lives here, not in the actor tests,
/// because the bucket resource belongs to the real keyvalue provider.
/// </summary>
public sealed class KeyValueWatcherSpec
{
    private const string Watcher = "wasi:keyvalue/watcher@0.2.0-draft";

    private static string Fixture(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "wat", name);

    private static async Task<SingleHost> Deploy()
    {
        var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(Fixture("kvwatcher.wasm")));
        await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", "keyvalue")));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("watcher", sha, 1)));
        await host.Client.SendAsync(new PutLink(new LinkDefinition("watcher", "kv", "wasi", "keyvalue", ["store"])));
        return host;
    }

    /// <summary>The first answer once the component, provider and link have reached this host (bounded).</summary>
    private static async Task<string> First(SingleHost host, string function, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return await host.Client.CallJsonAsync("watcher", function, args); }
            catch (LatticeCallException) when (attempt < 50) { await Task.Delay(100); }
        }
    }

    [Fact]
    public async Task On_set_and_on_delete_get_the_bucket_they_are_named()
    {
        await using var host = await Deploy();

        Assert.Equal("null", await First(host, $"{Watcher}#on-set", "\"b1\"", "\"k\"", "[104,105,0,255]"));
        Assert.Equal("[104,105,0,255]", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b1\"", "\"seen-k\""]));
        Assert.Equal("null", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b2\"", "\"seen-k\""]));

        Assert.Equal("null", await host.Client.CallJsonAsync("watcher", $"{Watcher}#on-delete", ["\"b2\"", "\"gone\""]));
        Assert.Equal("[100,101,108,101,116,101,100]", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b2\"", "\"seen-gone\""]));
        Assert.Equal("null", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b1\"", "\"seen-gone\""]));
    }

    [Fact]
    public async Task Many_calls_leave_no_bucket_behind_and_a_bad_name_is_a_clear_error()
    {
        await using var host = await Deploy();
        Assert.Equal("null", await First(host, $"{Watcher}#on-set", "\"b1\"", "\"k0\"", "[0]"));
        // Each call lends a fresh bucket and takes it back after: the instance keeps serving call after
        // call (a borrow left over would trap it), and the last write is the one read back.
        for (var i = 1; i <= 20; i++)
            Assert.Equal("null", await host.Client.CallJsonAsync("watcher", $"{Watcher}#on-set", ["\"b1\"", "\"k\"", $"[{i}]"]));
        Assert.Equal("[20]", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b1\"", "\"seen-k\""]));

        var e = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("watcher", $"{Watcher}#on-set", ["42", "\"k\"", "[]"]));
        Assert.Equal(CallFailureKind.BadArguments, e.Kind);
        Assert.Contains("resource handles cannot be given as JSON", e.Message);
        e = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("watcher", $"{Watcher}#on-set", ["\"\"", "\"k\"", "[]"]));
        Assert.Equal(CallFailureKind.BadArguments, e.Kind);
        Assert.Equal("argument 1 (bucket): a bucket needs a name", e.Message);
        Assert.Equal("[20]", await host.Client.CallJsonAsync("watcher", "fetch", ["\"b1\"", "\"seen-k\""]));
    }

    [Fact]
    public async Task A_handle_of_a_resource_that_cannot_be_named_is_still_refused()
    {
        await using var host = await SingleHost.StartAsync(providers: BuiltInProviders.Catalog);
        var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(Fixture("resources.wasm")));
        await host.Client.SendAsync(new StartComponent(new ComponentSpec("res", sha, 1)));
        LatticeCallException e;
        for (var attempt = 0; ; attempt++)
        {
            e = await Assert.ThrowsAsync<LatticeCallException>(() => host.Client.CallJsonAsync("res", "lattice:fixtures/guest#peek-box", ["\"box\""]));
            if (e.Kind != CallFailureKind.NotFound || attempt >= 50) break;
            await Task.Delay(100);
        }
        Assert.Equal(CallFailureKind.BadArguments, e.Kind);
        Assert.Contains("resource handles cannot be given as JSON", e.Message);
    }
}
