// Where instances run: cluster sharding's allocation strategy, told about component placement.
//
// Instance shards are named `component#n` (see InstanceMessageExtractor), so the coordinator knows
// which component a new shard belongs to. A shard goes to the region, among the hosts whose labels
// satisfy the component's placement labels (`--label zone=a` becomes the cluster role "zone=a"),
// that holds the fewest shards: instances of one component spread over the eligible hosts. When no
// host is eligible the shard still goes somewhere (least loaded), with a warning, rather than
// leaving calls unanswerable; once an eligible host is there, the next rebalance round moves it.
// Otherwise no rebalancing for load: moving a running instance costs a store rebuild, so shards
// move only when their host leaves or dies, or when they sit on a host their labels exclude.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class PlacementAllocationStrategy(ActorSystem system, Func<LatticeState> state) : IShardAllocationStrategy
{
    private readonly ILoggingAdapter _log = Logging.GetLogger(system, typeof(PlacementAllocationStrategy));

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var labels = Placement(shardId);
        var eligible = currentShardAllocations.Where(kv => labels.Count == 0 || Eligible(kv.Key, labels)).ToList();
        if (eligible.Count == 0)
        {
            _log.Warning("no host has the labels {0} required by shard {1}; placing it on the least loaded host",
                string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}")), shardId);
            eligible = [.. currentShardAllocations];
        }
        if (eligible.Count == 0) return Task.FromResult(requester);
        var chosen = eligible.MinBy(kv => kv.Value.Count).Key;
        _log.Debug("shard {0} -> {1}", shardId, chosen.Path);
        return Task.FromResult(chosen);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        // Only shards placed on a host their labels exclude, and only when an eligible host exists.
        var misplaced = ImmutableHashSet.CreateBuilder<string>();
        foreach (var (region, shards) in currentShardAllocations)
            foreach (var shard in shards)
            {
                if (rebalanceInProgress.Contains(shard)) continue;
                var labels = Placement(shard);
                if (labels.Count == 0 || Eligible(region, labels)) continue;
                if (currentShardAllocations.Keys.Any(r => Eligible(r, labels))) misplaced.Add(shard);
            }
        return Task.FromResult<IImmutableSet<string>>(misplaced.ToImmutable());
    }

    private bool Eligible(IActorRef region, IReadOnlyDictionary<string, string> labels)
    {
        var cluster = Cluster.Get(system);
        var address = region.Path.Address.HasGlobalScope ? region.Path.Address : cluster.SelfAddress;
        var member = cluster.State.Members.FirstOrDefault(m => m.Address == address);
        return member is not null && labels.All(kv => member.Roles.Contains($"{kv.Key}={kv.Value}"));
    }

    private IReadOnlyDictionary<string, string> Placement(string shardId)
    {
        var hash = shardId.LastIndexOf('#');
        var component = hash > 0 ? shardId[..hash] : shardId;
        return state().Components.TryGetValue(component, out var spec) ? spec.Placement : new Dictionary<string, string>();
    }
}
