using Akka.Actor;

namespace Lattice.Actors;

// Local-only messages between a host's instances and its router (never serialized).

internal sealed record RegisterInstance(string ComponentId, string EntityId, IActorRef Instance);

/// <summary>A call to an instance on this host: the instance completes <see cref="Reply"/> itself.</summary>
internal sealed record LocalInvoke(string EntityId, InvokeJson Call, TaskCompletionSource<InvokeReply> Reply) : IInstanceMessage;

/// <summary>An HTTP request for an instance on this host: it runs the exchange and completes <see cref="Done"/> when its handler returns.</summary>
internal sealed record LocalHttpInvoke(string EntityId, Lattice.Wasi.Http.HttpExchange Exchange, TaskCompletionSource Done) : IInstanceMessage;

internal sealed record UnregisterInstance(string ComponentId, IActorRef Instance);


/// <summary>What one host runs, for `get inventory`.</summary>
public sealed record InventoryEntry(string ComponentId, string EntityId);

/// <summary>A provider running on one host, for `get inventory`.</summary>
public sealed record ProviderInventoryEntry(string ProviderId, string Kind);

internal sealed record GetInventory
{
    public static readonly GetInventory Instance = new();
}

internal sealed record InventoryReply(IReadOnlyList<InventoryEntry> Instances);

/// <summary>Published by every instance when it starts (Up) and stops, and again on request.</summary>
public sealed record InstanceAnnounce(string ComponentId, string EntityId, IActorRef Instance, bool Up) : ILatticeMessage
{
    public const string Topic = "lattice-instances";
}

/// <summary>Published by a router that just started: every instance announces itself again.</summary>
public sealed record AnnounceRequest : ILatticeMessage
{
    public const string Topic = "lattice-instance-queries";
    public static readonly AnnounceRequest Instance = new();
}
