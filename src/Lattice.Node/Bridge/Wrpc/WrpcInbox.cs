// One NATS subscription, `{inbox}.>`, for every invocation of a client or server, as the Rust
// transport does it (it subscribes `_INBOX.<nuid>.>` once). The inbox is `{InboxPrefix}.{random}`,
// not the connection's NewInbox(): NATS.Net routes everything under its own inbox to its
// request-reply machinery by exact subject, where a wildcard subscription never sees it. Each invocation opens a mailbox with its
// own subject `{inbox}.{id}`; the loop below routes each message to its mailbox by the second token
// without allocating. Messages for mailboxes that are gone (a late end-of-stream after a timeout)
// are dropped.
//
// The subscription's channel waits instead of dropping when full: losing one message of a byte
// stream would corrupt the value, and the loop only moves messages into mailboxes, so it is brief.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcInbox : IAsyncDisposable
{
    private readonly INatsSub<NatsMemoryOwner<byte>> _subscription;
    private readonly ConcurrentDictionary<string, WrpcMailbox> _mailboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WrpcMailbox>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly long _mailboxLimit;
    private readonly ILogger _log;
    private readonly Task _loop;
    private long _next;

    private WrpcInbox(string subject, INatsSub<NatsMemoryOwner<byte>> subscription, long mailboxLimit, ILogger log)
    {
        Subject = subject;
        _subscription = subscription;
        _mailboxLimit = mailboxLimit;
        _log = log;
        _lookup = _mailboxes.GetAlternateLookup<ReadOnlySpan<char>>();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The inbox subject; each invocation's is one token longer.</summary>
    public string Subject { get; }

    public int OpenMailboxes => _mailboxes.Count;

    public static async Task<WrpcInbox> StartAsync(INatsConnection nats, long mailboxLimit, ILogger log, CancellationToken cancellationToken)
    {
        var subject = $"{nats.Opts.InboxPrefix}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 1 << 16, FullMode = BoundedChannelFullMode.Wait } };
        var subscription = await nats.SubscribeCoreAsync(subject + ".>", serializer: NatsRawSerializer<NatsMemoryOwner<byte>>.Default,
            opts: opts, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new WrpcInbox(subject, subscription, mailboxLimit, log);
    }

    public WrpcMailbox Open()
    {
        var id = Interlocked.Increment(ref _next).ToString("x");
        var mailbox = new WrpcMailbox(this, id, _mailboxLimit);
        _mailboxes[id] = mailbox;
        return mailbox;
    }

    internal void Remove(WrpcMailbox mailbox) => _mailboxes.TryRemove(new KeyValuePair<string, WrpcMailbox>(mailbox.Id, mailbox));

    private async Task LoopAsync()
    {
        try
        {
            await foreach (var msg in _subscription.Msgs.ReadAllAsync().ConfigureAwait(false))
            {
                try { Route(msg); }
                catch (Exception e)
                {
                    msg.Data.Dispose();
                    _log.LogError(e, "wRPC inbox {Inbox}: could not route a message on {Subject}", Subject, msg.Subject);
                }
            }
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            // The subscription ended (dispose or connection disposed).
        }
        foreach (var mailbox in _mailboxes.Values) mailbox.Fail(new ObjectDisposedException(Subject, "the wRPC inbox subscription ended"));
    }

    private void Route(NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        var subject = msg.Subject.AsSpan();
        // `{inbox}.{id}[.{suffix}]`; anything else cannot come from `{inbox}.>`.
        if (subject.Length <= Subject.Length + 1 || !subject.StartsWith(Subject, StringComparison.Ordinal) || subject[Subject.Length] != '.')
        {
            msg.Data.Dispose();
            return;
        }
        var rest = subject[(Subject.Length + 1)..];
        var dot = rest.IndexOf('.');
        var id = dot < 0 ? rest : rest[..dot];
        var suffix = dot < 0 ? ReadOnlySpan<char>.Empty : rest[(dot + 1)..];
        if (!_lookup.TryGetValue(id, out var mailbox))
        {
            msg.Data.Dispose();
            return;
        }
        mailbox.Deliver(suffix, new WrpcFrame(msg.Data, msg.Headers, msg.ReplyTo));
    }

    public async ValueTask DisposeAsync()
    {
        try { await _subscription.UnsubscribeAsync().ConfigureAwait(false); }
        catch (Exception e) when (e is ObjectDisposedException or NatsException) { }
        await _subscription.DisposeAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }
}
