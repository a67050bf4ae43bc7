using Akka.Cluster.Sharding;

namespace Lattice.Actors;

/// <summary>
/// Routes instance messages by entity id (<c>component/index</c>). Shards are a hash of the whole id,
/// so the instances of one component spread over the hosts instead of sharing one shard.
/// </summary>
internal sealed class InstanceMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IInstanceMessage)?.EntityId;
}
