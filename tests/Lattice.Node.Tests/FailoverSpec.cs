using System.Text.Json.Nodes;
using System.Diagnostics;
using Lattice.Node.Admin;
using Xunit.Abstractions;

namespace Lattice.Node.Tests;

/// <summary>
/// Host loss and host departure on three real `lattice up` processes: kill -9 the host running the
/// most instances, and a graceful leave under a steady stream of calls.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class FailoverSpec(ITestOutputHelper output)
{
    private static readonly string Bench = TestPaths.Fixture("wat/bench.wasm");
    private static readonly string KvCounter = TestPaths.Fixture("wat/kvcounter.wasm");

    /// <summary>Generous: the settings aim at ~10 s; this only bounds a hang. The measured time is printed.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task After_kill_9_of_the_busiest_host_calls_links_config_scale_and_stored_values_come_back()
    {
        using var cluster = new TestCluster(3);
        var hosts = cluster.Hosts;
        Ops.Json(hosts[0], "config", "put", "greeting", "who=world");
        Ops.Json(hosts[0], "component", "start", "bench", Bench, "--instances", "6", "--config", "greeting");
        Ops.Json(hosts[0], "provider", "start", "kv", "keyvalue");
        Ops.Json(hosts[0], "component", "start", "counter", KvCounter, "--instances", "1");
        Ops.Json(hosts[0], "link", "put", "counter", "kv", "wasi:keyvalue/store,atomics");
        foreach (var host in hosts) CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "bench", "add", "2", "3"));
        for (var i = 1; i <= 3; i++)
            Ops.Eventually(hosts[0], r => r.ExitCode == 0 && r.Stdout.Contains($"\"ok\":{i}"), "call", "counter", "increment", "\"visits\"", "\"home\"");

        using var admin = new AdminClient(new Uri(hosts[0].AdminUrl));
        var inventory = await admin.InventoryAsync(null, CancellationToken.None);
        var busiest = inventory.MaxBy(h => Count(h, "bench"))!;
        var victim = hosts.Single(h => h.Address == busiest.Address);
        var survivor = hosts.First(h => h != victim);
        output.WriteLine($"killing {victim.Name} ({Count(busiest, "bench")} of 6 bench instances)");

        var clock = Stopwatch.StartNew();
        victim.Kill();
        using var client = new AdminClient(new Uri(survivor.AdminUrl));
        // Calls would already succeed on the survivors' own instances (the router prefers them), so
        // recovery is measured as: every one of the 6 instances running again on a survivor.
        await EventuallyAsync(async () =>
        {
            var after = await client.InventoryAsync(null, CancellationToken.None);
            return after.Where(h => h.Address != victim.Address).Sum(h => Count(h, "bench")) == 6;
        });
        output.WriteLine($"kill -9 -> all 6 instances running on survivors: {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var host in hosts.Where(h => h != victim))
            Assert.Equal("5", (await new AdminClient(new Uri(host.AdminUrl)).CallAsync("bench", new CallBody("add", ["2", "3"], 5), CancellationToken.None)).Trim());

        // Desired state is intact.
        Assert.Equal(6, (await client.ComponentsAsync(CancellationToken.None)).Single(c => c.Id == "bench").Instances);
        Assert.Equal("world", (await client.ConfigAsync("greeting", CancellationToken.None)).Values["who"]);
        Assert.Contains(await client.LinksAsync(CancellationToken.None), l => l.SourceId == "counter" && l.Target == "kv");
        // The key-value data lives in the lattice database, not on the dead host.
        var next = await EventuallyAsync(async () => await client.CallAsync("counter", new CallBody("increment", ["\"visits\"", "\"home\""], 5), CancellationToken.None));
        Assert.Equal("{\"ok\":4}", next.Trim());
        // The provider itself moved with its shard: it runs on exactly one survivor.
        var providers = (await client.InventoryAsync(null, CancellationToken.None)).Where(h => h.Address != victim.Address)
            .SelectMany(h => h.Inventory?["providers"]?.AsArray() ?? new JsonArray()).ToList();
        Assert.Equal("keyvalue", (string?)Assert.Single(providers, p => (string?)p!["provider_id"] == "kv")!["kind"]);
    }

    [Fact]
    public async Task A_graceful_leave_under_steady_calls_fails_none_of_them()
    {
        using var cluster = new TestCluster(3);
        var hosts = cluster.Hosts;
        Ops.Json(hosts[0], "component", "start", "bench", Bench, "--instances", "3");
        foreach (var host in hosts) CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "bench", "add", "2", "3"));

        var leaver = hosts[2];
        using var client = new AdminClient(new Uri(hosts[0].AdminUrl));
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var calls = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var r = await client.CallAsync("bench", new CallBody("add", ["2", "3"], 10), CancellationToken.None);
                    if (r.Trim() != "5") failures.Add("wrong answer " + r);
                }
                catch (Exception e) { failures.Add(e.Message); }
                calls++;
            }
        });

        await Task.Delay(500);
        Ops.Json(hosts[0], "cluster", "leave", leaver.Address);
        Assert.True(leaver.WaitForExit(Budget), "the leaving host did not exit");
        Assert.Equal(0, leaver.ExitCode);
        await Task.Delay(1000); // keep calling after the hand-off too
        stop.Cancel();
        await load;

        output.WriteLine($"{calls} calls during the leave, {failures.Count} failed");
        Assert.Empty(failures);
        Assert.True(calls > 10, $"only {calls} calls were made");
    }

    private static int Count(HostInventory host, string component) =>
        host.Inventory?["components"]?.AsArray().Count(i => (string?)i!["component_id"] == component) ?? 0;

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow + Budget;
        while (true)
        {
            try
            {
                var result = await attempt();
                if (result is not false) return result;
            }
            catch (Exception) when (DateTime.UtcNow < deadline) { }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"not recovered within {Budget.TotalSeconds} s");
            await Task.Delay(250);
        }
    }
}
