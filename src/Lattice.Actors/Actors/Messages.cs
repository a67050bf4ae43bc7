// Messages between hosts. Every one is serialized by Serialization/LatticeSerializer (no JSON
// fallback): keep them small, immutable, and never rename one that may be in flight or persisted.
using Lattice.Model;

namespace Lattice.Actors;

/// <summary>Marker for everything our serializer owns.</summary>
public interface ILatticeMessage;

public sealed record GetLatticeState : ILatticeMessage
{
    public static readonly GetLatticeState Instance = new();
}

public sealed record StateReply(LatticeState State) : ILatticeMessage;

public sealed record CommandReply(LatticeState? State, string? Error) : ILatticeMessage;

/// <summary>Published to every host when the desired state changed.</summary>
public sealed record LatticeStateChanged(LatticeState State) : ILatticeMessage;

/// <summary>A lattice command sent to the state singleton from any host.</summary>
public sealed record LatticeCommandEnvelope(LatticeCommand Command) : ILatticeMessage;

/// <summary>A call with JSON arguments (from the CLI or the admin API), converted by the instance with its own types.</summary>
public sealed record InvokeJson(string ComponentId, string Function, string[] Args, TimeSpan Timeout) : ILatticeMessage;

/// <summary>The answer to a call: JSON result, or a failure kind and message.</summary>
public sealed record InvokeReply(string? Json, CallFailureKind? Failure, string? Error) : ILatticeMessage
{
    public static InvokeReply Fail(CallFailureKind kind, string message) => new(null, kind, message);
}

/// <summary>A message for one instance entity of the component shard region.</summary>
public interface IInstanceMessage : ILatticeMessage
{
    string EntityId { get; }
}

/// <summary>A call routed to a specific instance, which answers the sender.</summary>
public sealed record InstanceInvoke(string EntityId, InvokeJson Call) : IInstanceMessage;

/// <summary>Makes an instance entity start (remember-entities keeps it) without a call.</summary>
public sealed record EnsureInstance(string EntityId) : IInstanceMessage;

/// <summary>Stops an instance for good (scale down, component stopped): it leaves the remembered set.</summary>
public sealed record RetireInstance(string EntityId) : IInstanceMessage;
