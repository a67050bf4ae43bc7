using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

/// <summary>
/// One NATS message of an invocation, as the inbox received it. The payload is a pooled buffer the
/// reader must <see cref="Dispose"/>. An empty payload ends the byte stream on its subject.
/// </summary>
internal readonly struct WrpcFrame(NatsMemoryOwner<byte> payload, NatsHeaders? headers, string? replyTo)
{
    public NatsMemoryOwner<byte> Payload { get; } = payload;

    public NatsHeaders? Headers { get; } = headers;

    public string? ReplyTo { get; } = replyTo;

    public int Length => Payload.Length;

    public bool IsEnd => Payload.Length == 0;

    public ReadOnlySpan<byte> Span => Payload.Length == 0 ? default : Payload.Span;

    /// <summary>The NATS status (503 no responders, 408 timeout, ...), 0 when none.</summary>
    public int Status => Headers?.Code ?? 0;

    /// <summary>Our <c>wrpc-error</c> reason on an end-of-stream message, if the peer gave one.</summary>
    public string? Error => WrpcHeaders.Get(Headers, WrpcHeaders.Error);

    public void Dispose()
    {
        if (Payload.Length > 0) Payload.Dispose();
    }
}
