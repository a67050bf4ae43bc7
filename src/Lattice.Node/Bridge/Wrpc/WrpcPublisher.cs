// Writes one wRPC byte stream onto a subject: the bytes in messages of at most max_payload (message
// boundaries mean nothing to the receiver), then an empty message, which ends the stream. A data
// message is never empty, since an empty one would end the stream early.
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcPublisher(INatsConnection nats)
{
    private const int DefaultMaxPayload = 1024 * 1024;

    public INatsConnection Nats { get; } = nats;

    /// <summary>The server's max_payload: the largest message it accepts (1 MiB when unknown).</summary>
    public int MaxPayload => Nats.ServerInfo?.MaxPayload is > 0 and var max ? max : DefaultMaxPayload;

    public async ValueTask WriteAsync(string subject, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var max = MaxPayload;
        while (!data.IsEmpty)
        {
            var n = Math.Min(max, data.Length);
            await Nats.PublishAsync(subject, data[..n], serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <summary>The empty message that ends the stream on <paramref name="subject"/>, with a reason when it ends in failure.</summary>
    public ValueTask EndAsync(string subject, string? error, CancellationToken cancellationToken) =>
        Nats.PublishAsync(subject, headers: error is null ? null : WrpcHeaders.ErrorHeaders(error), cancellationToken: cancellationToken);

    public ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers, string? replyTo, CancellationToken cancellationToken) =>
        Nats.PublishAsync(subject, data, headers, replyTo, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken);
}
