using Akka.Actor;

namespace Lattice.Actors;

// Local-only messages between a host's instances and its router (never serialized).

internal sealed record RegisterInstance(string ComponentId, string EntityId, IActorRef Instance);

internal sealed record UnregisterInstance(string ComponentId, IActorRef Instance);

/// <summary>Sent by an instance (possibly on another host) when it answered call <see cref="CallId"/>.</summary>
public sealed record CallDone(long CallId) : ILatticeMessage;

/// <summary>What one host runs, for `get inventory`.</summary>
public sealed record InventoryEntry(string ComponentId, string EntityId);

internal sealed record GetInventory
{
    public static readonly GetInventory Instance = new();
}

internal sealed record InventoryReply(IReadOnlyList<InventoryEntry> Instances);
