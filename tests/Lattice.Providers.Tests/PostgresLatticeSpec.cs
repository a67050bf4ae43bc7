using Lattice.Actors;
using Lattice.Model;
using Lattice.Providers;
using Lattice.Tests.Actors;

namespace Lattice.Tests.Providers;

/// <summary>The lattice on a real PostgreSQL: journal, snapshots, artifacts and key-value data.</summary>
public sealed class PostgresLatticeSpec
{
    [SkippableFact]
    public async Task Desired_state_artifacts_and_key_value_data_live_in_postgres_across_a_restart()
    {
        if (PostgresServer.Binaries is null)
        {
            if (PostgresServer.Required) Assert.Fail(PostgresServer.MissingReason);
            Skip.If(true, PostgresServer.MissingReason);
        }
        using var pg = PostgresServer.Start();
        var options = SingleHost.NewOptions() with { Database = pg.ConnectionString(), DatabaseProvider = "PostgreSQL.15" };

        await using (var host = await SingleHost.StartAsync(options, BuiltInProviders.Catalog))
        {
            var sha = await host.Client.Artifacts.PutAsync(File.ReadAllBytes(TestPaths.Fixture("wat/kvcounter.wasm")));
            await host.Client.SendAsync(new StartProvider(new ProviderSpec("kv", "keyvalue")));
            await host.Client.SendAsync(new StartComponent(new ComponentSpec("counter", sha, 1)));
            await host.Client.SendAsync(new PutLink(new LinkDefinition("counter", "kv", "wasi", "keyvalue", ["store", "atomics"])));
            Assert.Equal("{\"ok\":1}", await Eventually(() => host.Client.CallJsonAsync("counter", "increment", ["\"b\"", "\"k\""])));
            Assert.Equal("{\"ok\":2}", await host.Client.CallJsonAsync("counter", "increment", ["\"b\"", "\"k\""]));
        }

        // A new host (new data directory: nothing local survives) on the same database.
        var fresh = SingleHost.NewOptions() with { Database = pg.ConnectionString(), DatabaseProvider = "PostgreSQL.15" };
        await using var again = await SingleHost.StartAsync(fresh, BuiltInProviders.Catalog);
        var state = await again.Client.GetStateAsync();
        Assert.True(state.Components.ContainsKey("counter"));
        Assert.Equal("kv", state.Resolve("counter", WitInterfaceName.Parse("wasi:keyvalue/atomics"))!.Target);
        Assert.Equal("{\"ok\":3}", await Eventually(() => again.Client.CallJsonAsync("counter", "increment", ["\"b\"", "\"k\""])));
    }

    private static async Task<string> Eventually(Func<Task<string>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var r = await call();
                if (r.StartsWith("{\"ok\"") || attempt >= 50) return r;
            }
            catch (LatticeCallException) when (attempt < 50) { }
            await Task.Delay(100);
        }
    }
}
