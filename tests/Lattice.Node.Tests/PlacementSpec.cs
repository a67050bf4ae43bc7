using Lattice.Node.Admin;

namespace Lattice.Node.Tests;

/// <summary>Placement labels on three real hosts (labels zone=a, zone=b, zone=c).</summary>
[Collection(HostsCollection.Name)]
public sealed class PlacementSpec
{
    [Fact]
    public async Task Instances_run_only_on_hosts_whose_labels_match_and_answer_from_every_host()
    {
        using var cluster = new TestCluster(3);
        var hosts = cluster.Hosts;
        Ops.Json(hosts[0], "component", "start", "pinned", TestPaths.Fixture("wat/bench.wasm"), "--instances", "4", "--label", "zone=b");
        foreach (var host in hosts) CliAssert.Printed("5", Ops.Eventually(host, r => r.ExitCode == 0, "call", "pinned", "add", "2", "3"));

        using var admin = new AdminClient(new Uri(hosts[0].AdminUrl));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        List<HostInventory> inventory;
        while (true)
        {
            inventory = await admin.InventoryAsync(null, CancellationToken.None);
            if (Count(inventory, hosts[1].Address) == 4 || DateTime.UtcNow > deadline) break;
            await Task.Delay(250);
        }
        Assert.Equal(4, Count(inventory, hosts[1].Address));
        Assert.Equal(0, Count(inventory, hosts[0].Address));
        Assert.Equal(0, Count(inventory, hosts[2].Address));

        // Relabelling running hosts moves the instances to the host that now has zone=b.
        var labeled = Ops.Json(hosts[0], "label", hosts[2].Address, "zone=b", "gpu=yes");
        Assert.Equal("b", (string?)labeled["labels"]!["zone"]);
        Assert.Equal("yes", (string?)labeled["labels"]!["gpu"]);
        Assert.Equal("c", (string?)Ops.Json(hosts[0], "label", hosts[1].Address, "zone=c")["labels"]!["zone"]);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            inventory = await admin.InventoryAsync(null, CancellationToken.None);
            if (Count(inventory, hosts[2].Address) == 4 || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.Equal(4, Count(inventory, hosts[2].Address));
        Assert.Equal(0, Count(inventory, hosts[1].Address));
        CliAssert.Printed("5", Ops.Eventually(hosts[1], r => r.ExitCode == 0, "call", "pinned", "add", "2", "3"));

        // Every host shows the new labels; removing one is KEY-, and bad input is one line.
        var members = Ops.Json(hosts[1], "cluster", "show")["members"]!.AsArray();
        Assert.Equal("b", (string?)members.Single(m => (string?)m!["address"] == hosts[2].Address)!["labels"]!["zone"]);
        Assert.Null(Ops.Json(hosts[0], "label", hosts[2].Address, "gpu-")["labels"]!["gpu"]);
        var bad = Ops.Run(hosts[0], "label", hosts[2].Address, "zone");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("error: label 'zone': expected KEY=VALUE", bad.Stderr);
    }

    private static int Count(List<HostInventory> inventory, string address) =>
        inventory.Where(h => h.Address == address).Sum(h => h.Inventory?["components"]?.AsArray().Count(i => (string?)i!["component_id"] == "pinned") ?? 0);
}
