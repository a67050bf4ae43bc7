using Lattice.Node.Tests.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A wasmCloud provider's serving side written from the protocol spec §1.2 with raw NATS, scripted
/// by the test: it takes the next invocation on <c>{lattice}.{id}.wrpc.0.0.1.&gt;</c> (queue group
/// <c>{lattice}.{id}</c>, as providers serve), sends the handshake, reads the params to their end and
/// answers with the result bytes the test encoded itself (<see cref="SpecBytes"/>).
/// </summary>
internal sealed class SpecProvider : IAsyncDisposable
{
    private readonly NatsConnection _nats;
    private readonly RawInbox _calls;
    private readonly RawInbox _inbox;
    private readonly string _id;
    private int _count;

    private SpecProvider(NatsConnection nats, RawInbox calls, RawInbox inbox, string id)
    {
        _nats = nats;
        _calls = calls;
        _inbox = inbox;
        _id = id;
    }

    public static async Task<SpecProvider> StartAsync(NatsTestServer server, string lattice, string id)
    {
        var nats = await server.ConnectAsync("spec-provider-" + id);
        var calls = await RawInbox.SubscribeAsync(nats, $"{lattice}.{id}.wrpc.0.0.1.>", queueGroup: $"{lattice}.{id}");
        var inbox = await RawInbox.SubscribeAsync(nats, $"_INBOX.{id}.>");
        return new SpecProvider(nats, calls, inbox, id);
    }

    /// <summary>The next invocation's first message (subject, headers, reply and the first params bytes).</summary>
    public async Task<NatsMsg<byte[]>> NextCallAsync() => await _calls.NextAnyAsync(30);

    /// <summary>Handshake, params to their end, then <paramref name="results"/> and the end of results; returns all params bytes.</summary>
    public async Task<byte[]> AnswerAsync(NatsMsg<byte[]> call, byte[] results)
    {
        Assert.NotNull(call.ReplyTo);
        var rs = $"_INBOX.{_id}.{Interlocked.Increment(ref _count)}";
        await _nats.PublishAsync(call.ReplyTo!, replyTo: rs);
        var (rest, _) = await _inbox.ReadToEndAsync(rs + ".params", 30);
        if (results.Length > 0) await _nats.PublishAsync(call.ReplyTo + ".results", results);
        await _nats.PublishAsync(call.ReplyTo + ".results");
        return [.. call.Data ?? [], .. rest];
    }

    /// <summary>Nothing arrived that the test did not take.</summary>
    public bool Idle => !_calls.TryNextAny(out _);

    public async ValueTask DisposeAsync()
    {
        await _calls.DisposeAsync();
        await _inbox.DisposeAsync();
        await _nats.DisposeAsync();
    }
}
