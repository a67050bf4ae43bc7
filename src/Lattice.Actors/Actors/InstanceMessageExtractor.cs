using Akka.Cluster.Sharding;
using Lattice.Model;

namespace Lattice.Actors;

/// <summary>
/// Routes instance messages by entity id (<c>component/index</c>). Shard ids are
/// <c>component#(index mod shardsPerComponent)</c>: a component's instances spread over several
/// shards (so over several hosts), and the allocation strategy can read the component from the
/// shard id to honour its placement labels.
/// </summary>
internal sealed class InstanceMessageExtractor(int shardsPerComponent) : HashCodeMessageExtractor(shardsPerComponent)
{
    public override string? EntityId(object message) => (message as IInstanceMessage)?.EntityId;

    public override string ShardId(string entityId, object? messageHint = null)
    {
        var (component, index) = InstanceId.Parse(entityId);
        return $"{component}#{index % MaxNumberOfShards}";
    }
}
