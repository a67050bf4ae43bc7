using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>
/// Placement from a component's very first instance: the shard of a new component is allocated
/// right after the command that created it, so the allocation must not go by a view of the
/// lattice that has not seen that command yet (it would place the instance as if unlabelled, on
/// any host, until the next rebalance round moved it). Found while pinning HTTP handlers to a
/// host in HttpLatticeSpec: about one first instance in ten ran on an excluded host.
/// </summary>
[Collection(HostsCollection.Name)]
public sealed class PlacementOnStartSpec
{
    [Fact]
    public void Labelled_components_never_run_on_an_excluded_host_not_even_at_first()
    {
        using var cluster = new TestCluster(2);
        var hosts = cluster.Hosts;
        var bench = TestPaths.Fixture("wat/bench.wasm");
        const int components = 8;
        var seen = new List<string>();
        for (var i = 0; i < components; i++)
        {
            Ops.Json(hosts[0], "component", "start", $"pinned{i}", bench, "--instances", "2", "--label", "n=2");
            // Looked at at once: a misplaced instance is moved by the next rebalance round (seconds later).
            seen.AddRange(Misplaced(Ops.Json(hosts[0], "get", "inventory").AsArray(), hosts[0]));
        }
        var all = Ops.Eventually(hosts[0], r => r.ExitCode == 0 && Instances(JsonNode.Parse(r.Stdout)!.AsArray(), hosts[1]) == 2 * components,
            "get", "inventory", "-o", "json");
        seen.AddRange(Misplaced(JsonNode.Parse(all.Stdout)!.AsArray(), hosts[0]));
        Assert.Empty(seen);
    }

    private static IEnumerable<string> Misplaced(JsonArray inventory, HostProcess excluded) =>
        inventory.Where(h => (string?)h!["address"] == excluded.Address)
            .SelectMany(h => h!["inventory"]?["components"]?.AsArray() ?? [])
            .Select(c => (string)c!["entity_id"]!)
            .Where(e => e.StartsWith("pinned", StringComparison.Ordinal));

    private static int Instances(JsonArray inventory, HostProcess host) =>
        inventory.Where(h => (string?)h!["address"] == host.Address)
            .SelectMany(h => h!["inventory"]?["components"]?.AsArray() ?? [])
            .Count(c => ((string?)c!["component_id"])?.StartsWith("pinned", StringComparison.Ordinal) == true);
}
