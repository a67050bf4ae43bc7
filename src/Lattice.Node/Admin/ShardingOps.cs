// `cluster-sharding regions` and `region-stats`: ClusterSharding's own queries. Stats come from the
// regions themselves (cluster-wide through any region), so every host answers for all members.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Lattice.Node.Admin;

internal static class ShardingOps
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(5);

    public static RegionList Regions(ActorSystem system) =>
        new(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal).ToList());

    public static async Task<RegionStats> StatsAsync(ActorSystem system, string typeName, CancellationToken cancellationToken)
    {
        var sharding = ClusterSharding.Get(system);
        if (!sharding.ShardTypeNames.Contains(typeName))
            throw new AdminRequestException(404, $"no shard region '{typeName}' on this host (regions: {string.Join(", ", sharding.ShardTypeNames.Order(StringComparer.Ordinal))})");
        var stats = await sharding.ShardRegion(typeName)
            .Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout), StatsTimeout + TimeSpan.FromSeconds(2), cancellationToken);
        var members = Cluster.Get(system).State.Members.ToDictionary(m => m.Address, m => m.Status.ToString().ToLowerInvariant());
        var rows = stats.Regions
            .OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => new RegionMemberStats(r.Key.ToString(), members.GetValueOrDefault(r.Key), r.Value.Stats.Count, r.Value.Stats.Values.Sum()))
            .ToList();
        var failed = stats.Regions.Values.SelectMany(r => r.Failed).Order(StringComparer.Ordinal).ToList();
        return new RegionStats(typeName, rows, failed);
    }
}
