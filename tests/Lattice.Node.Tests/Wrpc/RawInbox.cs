using System.Collections.Concurrent;
using System.Threading.Channels;
using Lattice.Node.Bridge.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Wrpc;

/// <summary>
/// The test side's own view of NATS, independent of the transport under test: one wildcard
/// subscription whose messages are kept per exact subject, to be awaited in order.
/// </summary>
public sealed class RawInbox : IAsyncDisposable
{
    private readonly INatsSub<byte[]> _subscription;
    private readonly ConcurrentDictionary<string, Channel<NatsMsg<byte[]>>> _subjects = new();
    private readonly Task _loop;

    private RawInbox(INatsSub<byte[]> subscription)
    {
        _subscription = subscription;
        _loop = Task.Run(async () =>
        {
            await foreach (var msg in _subscription.Msgs.ReadAllAsync())
                Queue(msg.Subject).Writer.TryWrite(msg);
        });
    }

    public static async Task<RawInbox> SubscribeAsync(INatsConnection nats, string pattern, string? queueGroup = null)
    {
        var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 1 << 16, FullMode = BoundedChannelFullMode.Wait } };
        var subscription = await nats.SubscribeCoreAsync<byte[]>(pattern, queueGroup, opts: opts);
        await nats.PingAsync();
        return new RawInbox(subscription);
    }

    private Channel<NatsMsg<byte[]>> Queue(string subject) => _subjects.GetOrAdd(subject, _ => Channel.CreateUnbounded<NatsMsg<byte[]>>());

    /// <summary>The next message on exactly <paramref name="subject"/>, waiting at most <paramref name="timeoutSeconds"/>.</summary>
    public async Task<NatsMsg<byte[]>> NextAsync(string subject, double timeoutSeconds = 10)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try { return await Queue(subject).Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"nothing arrived on {subject} within {timeoutSeconds} s"); }
    }

    /// <summary>The next message on any subject (for a subscription that serves one subject).</summary>
    public async Task<NatsMsg<byte[]>> NextAnyAsync(double timeoutSeconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var channel in _subjects.Values)
                if (channel.Reader.TryRead(out var msg)) return msg;
            await Task.Delay(5);
        }
        throw new TimeoutException($"nothing arrived within {timeoutSeconds} s");
    }

    /// <summary>Any message already received, on any subject.</summary>
    public bool TryNextAny(out NatsMsg<byte[]> msg)
    {
        foreach (var channel in _subjects.Values)
            if (channel.Reader.TryRead(out msg)) return true;
        msg = default;
        return false;
    }

    public bool TryNext(string subject, out NatsMsg<byte[]> msg) => Queue(subject).Reader.TryRead(out msg);

    /// <summary>Every payload on <paramref name="subject"/> up to its empty end-of-stream message, concatenated.</summary>
    public async Task<(byte[] Bytes, List<NatsMsg<byte[]>> Messages)> ReadToEndAsync(string subject, double timeoutSeconds = 10)
    {
        var messages = new List<NatsMsg<byte[]>>();
        var bytes = new List<byte>();
        while (true)
        {
            var msg = await NextAsync(subject, timeoutSeconds);
            messages.Add(msg);
            if (msg.Data is not { Length: > 0 } data) return (bytes.ToArray(), messages);
            bytes.AddRange(data);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _subscription.UnsubscribeAsync();
        await _subscription.DisposeAsync();
        await _loop;
    }

    /// <summary>
    /// One invocation as the spec describes it, as a client written from the spec makes it: first message (all
    /// params) with reply <paramref name="rc"/> (under this inbox), handshake, end of params, results to their
    /// end, which must carry no error.
    /// </summary>
    public async Task<byte[]> CallAsync(NatsConnection connection, string subject, string rc, byte[] payload)
    {
        await connection.PublishAsync(subject, payload, replyTo: rc);
        var handshake = await NextAsync(rc, 30);
        Assert.True(handshake.Data is null or { Length: 0 });
        await connection.PublishAsync(handshake.ReplyTo + ".params");
        var (results, messages) = await ReadToEndAsync(rc + ".results", 30);
        Assert.False(messages[^1].Headers?.ContainsKey(WrpcHeaders.Error) ?? false, messages[^1].Headers?.ToString());
        return results;
    }
}
