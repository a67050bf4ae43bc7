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

/// <summary>An HTTP request for an instance on another host, body included (see ComponentCalls.Http).</summary>
public sealed record HttpInvoke(string EntityId, string Method, string? Scheme, string? Authority, string? PathWithQuery,
    string[] HeaderNames, byte[][] HeaderValues, byte[] Body, TimeSpan Timeout) : IInstanceMessage
{
    public static HttpInvoke From(string entityId, Wasi.Http.HttpRequestHead head, byte[] body, TimeSpan timeout) =>
        new(entityId, head.Method, head.Scheme, head.Authority, head.PathWithQuery,
            head.Headers.Select(h => h.Name).ToArray(), head.Headers.Select(h => h.Value).ToArray(), body, timeout);

    public Wasi.Http.HttpRequestHead Head() =>
        new(Method, Scheme, Authority, PathWithQuery, HeaderNames.Zip(HeaderValues, (n, v) => new Wasi.Http.HttpField(n, v)).ToList());
}

/// <summary>The answer to an <see cref="HttpInvoke"/>: the response whole, or the status and message of a failure.</summary>
/// <summary>
/// A component's whole HTTP answer from another host. A guest's err(error-code) travels as its case
/// and internal-error message (<see cref="ErrorCase"/>, <see cref="ErrorMessage"/>; later fields, so
/// hosts of the previous version still read it).
/// </summary>
public sealed record HttpReply(int Status, string[] HeaderNames, byte[][] HeaderValues, byte[] Body, string? Failure,
    string? ErrorCase = null, string? ErrorMessage = null) : ILatticeMessage
{
    public static HttpReply Fail(int status, string message) => new(status, [], [], [], message);

    public static HttpReply Fail(int status, string message, Wasi.Http.HttpErrorCode? code) =>
        new(status, [], [], [], message, code?.Case, code?.Message);

    /// <summary>The guest's error code, rebuilt from its case (null when the failure was not one, or the case is unknown).</summary>
    public Wasi.Http.HttpErrorCode? GuestErrorCode()
    {
        if (ErrorCase is null) return null;
        if (ErrorCase == "internal-error") return Wasi.Http.HttpErrorCode.InternalError(ErrorMessage);
        try { return Wasi.Http.HttpErrorCode.Of(ErrorCase); }
        catch (ArgumentException) { return null; }
    }

    public IReadOnlyList<Wasi.Http.HttpField> Fields() => HeaderNames.Zip(HeaderValues, (n, v) => new Wasi.Http.HttpField(n, v)).ToList();
}
