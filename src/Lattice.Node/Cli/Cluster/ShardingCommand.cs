// `lattice cluster-sharding regions | region-stats -r TYPE`: Petabridge.Cmd's sharding palette.
// The lattice's regions are `component` (instances) and `provider`.
using System.CommandLine;
using Lattice.Node.Cli.Ops;

namespace Lattice.Node.Cli.Cluster;

internal static class ShardingCommand
{
    public static Command Create()
    {
        var ops = new OpsOptions();
        var command = new Command("cluster-sharding", "Shard regions and their shards and entities per member") { Regions(ops), RegionStats(ops) };
        ops.AddTo(command);
        return command;
    }

    private static Command Regions(OpsOptions ops)
    {
        var command = new Command("regions", "The shard regions (entity types) this host runs");
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var regions = await client.RegionsAsync(ct);
            return ops.Json(parse) ? OpsOutput.Json(regions) : OpsOutput.Table(regions.Regions, ["REGION"], r => [r], "no shard regions");
        });
        return command;
    }

    private static Command RegionStats(OpsOptions ops)
    {
        var region = new Option<string>("--region", "-r") { HelpName = "TYPE", Description = "The region: component or provider", Required = true };
        var command = new Command("region-stats", "Shards and entities of one region on every member") { region };
        OpsAction.Set(command, ops, async (parse, client, ct) =>
        {
            var stats = await client.RegionStatsAsync(parse.GetRequiredValue(region), ct);
            if (ops.Json(parse)) return OpsOutput.Json(stats);
            var caption = stats.FailedShards.Count == 0 ? null : $"shards that did not answer: {string.Join(", ", stats.FailedShards)}";
            return OpsOutput.Table(stats.Members, ["ADDRESS", "STATUS", "SHARDS", "ENTITIES"],
                m => [m.Address, m.Status ?? "?", m.Shards.ToString(), m.Entities.ToString()], $"no member runs region '{stats.Region}'", caption);
        });
        return command;
    }
}
