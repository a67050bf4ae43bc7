// Where instances run: cluster sharding's allocation strategy, told about component placement.
//
// Instance shards are named `component#n` (see InstanceMessageExtractor), so the coordinator knows
// which component a new shard belongs to. A shard goes to the region, among the hosts whose labels
// satisfy the component's placement labels (`--label zone=a` becomes the cluster role "zone=a"),
// that holds the fewest shards: instances of one component spread over the eligible hosts. A host's
// labels can change while it runs (`lattice label`, wasmCloud's label.put): the changes live in the
// lattice state (LatticeState.HostLabels) and are applied on top of its roles. When no
// host is eligible the shard still goes somewhere (least loaded), with a warning, rather than
// leaving calls unanswerable; once an eligible host is there, the next rebalance round moves it.
// Otherwise no rebalancing for load: moving a running instance costs a store rebuild, so shards
// move only when their host leaves or dies, or when they sit on a host their labels exclude (also
// after that host's labels changed).
//
// The placement is read from this host's view of the lattice state, which can be behind: the state
// actor starts a new component's instances before its change reaches the views, so the first shards
// of a component the view does not know yet are placed by the state actor's own copy.
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class PlacementAllocationStrategy(ActorSystem system, Func<LatticeState> state, IActorRef? stateActor = null) : IShardAllocationStrategy
{
    private static readonly TimeSpan AskStateActor = TimeSpan.FromSeconds(3);
    private static readonly IReadOnlyDictionary<string, string> Anywhere = new Dictionary<string, string>();

    private readonly ILoggingAdapter _log = Logging.GetLogger(system, typeof(PlacementAllocationStrategy));

    public async Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var labels = Placement(shardId) ?? await FreshPlacementAsync(shardId);
        var eligible = currentShardAllocations.Where(kv => labels.Count == 0 || Eligible(kv.Key, labels)).ToList();
        if (eligible.Count == 0)
        {
            _log.Warning("no host has the labels {0} required by shard {1}; placing it on the least loaded host",
                string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}")), shardId);
            eligible = [.. currentShardAllocations];
        }
        if (eligible.Count == 0) return requester;
        var chosen = eligible.MinBy(kv => kv.Value.Count).Key;
        _log.Debug("shard {0} -> {1}", shardId, chosen.Path);
        return chosen;
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        // Only shards placed on a host their labels exclude, and only when an eligible host exists.
        var misplaced = ImmutableHashSet.CreateBuilder<string>();
        foreach (var (region, shards) in currentShardAllocations)
            foreach (var shard in shards)
            {
                if (rebalanceInProgress.Contains(shard)) continue;
                var labels = Placement(shard) ?? Anywhere;
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
        if (member is null) return false;
        var hostLabels = state().LabelsOf(member.Address.ToString(), member.Roles);
        return labels.All(kv => hostLabels.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    /// <summary>The component's labels by this host's view, or null when the view does not know the component (yet).</summary>
    private IReadOnlyDictionary<string, string>? Placement(string shardId) =>
        state().Components.TryGetValue(Component(shardId), out var spec) ? spec.Placement : null;

    /// <summary>The labels by the state actor, which has applied every command it started instances for.</summary>
    private async Task<IReadOnlyDictionary<string, string>> FreshPlacementAsync(string shardId)
    {
        if (stateActor is null) return Anywhere;
        try
        {
            var reply = await stateActor.Ask<StateReply>(GetLatticeState.Instance, AskStateActor);
            return reply.State.Components.TryGetValue(Component(shardId), out var spec) ? spec.Placement : Anywhere;
        }
        catch (AskTimeoutException)
        {
            return Anywhere;
        }
    }

    private static string Component(string shardId)
    {
        var hash = shardId.LastIndexOf('#');
        return hash > 0 ? shardId[..hash] : shardId;
    }
}
