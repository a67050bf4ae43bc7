using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers;

/// <summary>A real component (kvcounter.wasm) using wasi:keyvalue through a link to the key-value provider.</summary>
public sealed class KeyValueProviderSpec
{
    private static async Task<string> Eventually(Func<Task<string>> call, Func<string, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var result = await call();
                if (done(result) || attempt >= 50) return result;
            }
            catch (LatticeCallException) when (attempt < 50) { }
            await Task.Delay(100);
        }
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
            var denied = await Eventually(() => host.Client.CallJsonAsync("counter", "increment", ["\"visits\"", "\"home\""]), r => r.StartsWith("{\"err\""));
            Assert.Contains("no link for wasi:keyvalue/atomics", denied);

            await host.Client.SendAsync(new PutLink(new LinkDefinition("counter", "kv", "wasi", "keyvalue", ["store", "atomics"])));
            Assert.Equal("{\"ok\":1}", await Eventually(() => host.Client.CallJsonAsync("counter", "increment", ["\"visits\"", "\"home\""]), r => r.StartsWith("{\"ok\"")));
            Assert.Equal("{\"ok\":2}", await host.Client.CallJsonAsync("counter", "increment", ["\"visits\"", "\"home\""]));
            Assert.Equal("{\"ok\":null}", await host.Client.CallJsonAsync("counter", "put", ["\"notes\"", "\"a\"", "\"héllo\""]));
            Assert.Equal("{\"ok\":\"héllo\"}", await host.Client.CallJsonAsync("counter", "fetch", ["\"notes\"", "\"a\""]));
            Assert.Equal("{\"ok\":null}", await host.Client.CallJsonAsync("counter", "fetch", ["\"notes\"", "\"missing\""]));
            Assert.Equal("{\"ok\":\"2\"}", await host.Client.CallJsonAsync("counter", "fetch", ["\"visits\"", "\"home\""]));
        }

        await using var again = await SingleHost.StartAsync(options with { Port = SingleHost.NewOptions().Port }, BuiltInProviders.Catalog);
        Assert.Equal("{\"ok\":3}", await Eventually(() => again.Client.CallJsonAsync("counter", "increment", ["\"visits\"", "\"home\""]), r => r.StartsWith("{\"ok\"")));
    }
}
