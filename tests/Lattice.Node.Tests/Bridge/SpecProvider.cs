using Lattice.Node.Bridge.Wrpc;
using Lattice.Node.Tests.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A wasmCloud provider's (or component's) serving side written from the protocol spec §1.2 with raw
/// NATS, scripted by the test: it takes the next invocation on <c>{lattice}.{id}.wrpc.0.0.1.&gt;</c>
/// (queue group <c>{lattice}.{id}</c>, as providers serve), sends the handshake, reads the params to
/// their end and answers with the result bytes the test encoded itself (<see cref="SpecBytes"/>), in
/// one step (<see cref="AnswerAsync"/>) or step by step, with streams on their paths (wrpc:http).
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
        var parameters = await ParamsAsync(call, await HandshakeAsync(call));
        await StreamAsync(call, ".results", results.Length > 0 ? [results] : []);
        return parameters;
    }

    /// <summary>Answers the handshake; returns the server inbox Rs.</summary>
    public async Task<string> HandshakeAsync(NatsMsg<byte[]> call)
    {
        Assert.NotNull(call.ReplyTo);
        var rs = $"_INBOX.{_id}.{Interlocked.Increment(ref _count)}";
        await _nats.PublishAsync(call.ReplyTo!, replyTo: rs);
        return rs;
    }

    /// <summary>The synchronous params: the first message's bytes and `Rs.params` to its end.</summary>
    public async Task<byte[]> ParamsAsync(NatsMsg<byte[]> call, string rs)
    {
        var (rest, _) = await _inbox.ReadToEndAsync(rs + ".params", 30);
        return [.. call.Data ?? [], .. rest];
    }

    public Task<(byte[] Bytes, List<NatsMsg<byte[]>> Messages)> ReadToEndAsync(string subject) => _inbox.ReadToEndAsync(subject, 30);

    /// <summary>The results bytes on `Rc.results`, then the end.</summary>
    public Task ResultsAsync(NatsMsg<byte[]> call, byte[] results) => StreamAsync(call, ".results", [results]);

    /// <summary>Each payload as one message on `Rc{suffix}`, then the empty end message.</summary>
    public async Task StreamAsync(NatsMsg<byte[]> call, string suffix, IEnumerable<byte[]> messages)
    {
        foreach (var message in messages) await _nats.PublishAsync(call.ReplyTo + suffix, message);
        await _nats.PublishAsync(call.ReplyTo + suffix);
    }

    /// <summary>One data message on `Rc{suffix}`, then an end without the stream's end marker, carrying our `wrpc-error` reason.</summary>
    public async Task BreakAsync(NatsMsg<byte[]> call, string suffix, byte[] data, string reason)
    {
        await _nats.PublishAsync(call.ReplyTo + suffix, data);
        await _nats.PublishAsync(call.ReplyTo + suffix, Array.Empty<byte>(), headers: new NatsHeaders { [WrpcHeaders.Error] = reason });
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
