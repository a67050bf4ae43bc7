// What can go wrong in a wRPC call, as types a caller can tell apart. wasmCloud maps a NATS
// no-responders status to "not found" (it falls back to an older interface version on it), so that
// one has its own type; the others carry the subject and a one-line reason.
namespace Lattice.Node.Bridge.Wrpc;

public class WrpcException(string subject, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The invocation subject of the call.</summary>
    public string Subject { get; } = subject;
}

/// <summary>Nothing serves the function: NATS answered the handshake with 503 no responders.</summary>
public sealed class WrpcNotFoundException(string subject)
    : WrpcException(subject, $"no wRPC server answers on {subject} (no responders)");

/// <summary>The server did not answer (handshake or results) in time, or NATS reported a request timeout (408).</summary>
public sealed class WrpcTimeoutException(string subject, string message) : WrpcException(subject, message);

/// <summary>The peer stopped the call: it failed, or ended its results or a stream before the value was complete.</summary>
public sealed class WrpcRemoteException(string subject, string message, Exception? inner = null) : WrpcException(subject, message, inner);

/// <summary>The peer broke the protocol: a bad status, a handshake without a reply subject, bytes that do not decode.</summary>
public sealed class WrpcProtocolException(string subject, string message, Exception? inner = null) : WrpcException(subject, message, inner);

/// <summary>
/// A handler's way to fail a call on purpose (the function trapped, the callee refused it): the server
/// logs it as one line, not as a fault, and the caller gets the message in the `wrpc-error` header.
/// </summary>
public class WrpcHandlerFailure(string message) : Exception(message);
