using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// What `wash` does on the wire, by hand: raw requests on <c>wasmbus.ctl.v1.default.*</c> (JSON in,
/// the reply's JSON out) and every CloudEvent on <c>wasmbus.evt.default.&gt;</c>, kept for lookups.
/// </summary>
internal sealed class Wasmbus : IAsyncDisposable
{
    public const string Lattice = "default";
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(20);

    private readonly NatsConnection _nats;
    private readonly ConcurrentQueue<JsonObject> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _listening = Task.CompletedTask;

    private Wasmbus(NatsConnection nats) => _nats = nats;

    public static async Task<Wasmbus> ConnectAsync(string url)
    {
        var bus = new Wasmbus(new NatsConnection(new NatsOpts { Url = url, ReconnectWaitMin = TimeSpan.FromMilliseconds(200), ReconnectWaitMax = TimeSpan.FromMilliseconds(500) }));
        await bus._nats.ConnectAsync();
        var sub = await bus._nats.SubscribeCoreAsync<byte[]>($"wasmbus.evt.{Lattice}.>");
        bus._listening = Task.Run(async () =>
        {
            await using var _ = sub;
            try
            {
                await foreach (var m in sub.Msgs.ReadAllAsync(bus._stop.Token))
                    if (JsonNode.Parse(m.Data ?? []) is JsonObject o) bus._events.Enqueue(o);
            }
            catch (OperationCanceledException) { }
        });
        await bus._nats.PingAsync(); // the subscription is registered before the first request
        return bus;
    }

    public IReadOnlyList<JsonObject> Events => [.. _events];

    /// <summary>One request, one reply: the reply's JSON object.</summary>
    public async Task<JsonObject> RequestAsync(string subject, string? json = null, TimeSpan? timeout = null)
    {
        var reply = await _nats.RequestAsync<byte[], byte[]>($"wasmbus.ctl.v1.{Lattice}.{subject}", Encoding.UTF8.GetBytes(json ?? ""),
            replyOpts: new NatsSubOpts { Timeout = timeout ?? TimeSpan.FromSeconds(15) });
        return JsonNode.Parse(reply.Data ?? [])!.AsObject();
    }

    /// <summary>Scatter-gather, as `wash get hosts` and auctions do: replies until <paramref name="expected"/> arrived or <paramref name="wait"/> passed.</summary>
    public async Task<List<JsonObject>> GatherAsync(string subject, string? json, int expected, TimeSpan wait)
    {
        var inbox = _nats.NewInbox();
        await using var sub = await _nats.SubscribeCoreAsync<byte[]>(inbox);
        await _nats.PublishAsync($"wasmbus.ctl.v1.{Lattice}.{subject}", Encoding.UTF8.GetBytes(json ?? ""), replyTo: inbox);
        var replies = new List<JsonObject>();
        using var deadline = new CancellationTokenSource(wait);
        try
        {
            while (replies.Count < expected)
            {
                var m = await sub.Msgs.ReadAsync(deadline.Token);
                if (m.Data is not { Length: > 0 }) continue; // a status (503: no responders yet), not a reply
                replies.Add(JsonNode.Parse(m.Data)!.AsObject());
            }
        }
        catch (OperationCanceledException) { }
        return replies;
    }

    /// <summary>
    /// The data of the first event of type <c>com.wasmcloud.lattice.{name}</c> whose data <paramref name="match"/> accepts
    /// (after <paramref name="skip"/> such events); fails after 20 s.
    /// </summary>
    public async Task<JsonObject> EventAsync(string name, Func<JsonObject, bool>? match = null, int skip = 0)
    {
        var deadline = DateTime.UtcNow + EventWait;
        while (true)
        {
            var found = Find(name, match).Skip(skip).FirstOrDefault();
            if (found is not null) return (JsonObject)found["data"]!;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"no {name} event within {EventWait.TotalSeconds} s; events seen:\n{string.Join("\n", _events.Select(e => e.ToJsonString()))}");
            await Task.Delay(100);
        }
    }

    /// <summary>Every event (the whole CloudEvent) so far of that type whose data <paramref name="match"/> accepts.</summary>
    public IEnumerable<JsonObject> Find(string name, Func<JsonObject, bool>? match = null) =>
        _events.Where(e => (string?)e["type"] == "com.wasmcloud.lattice." + name && (match is null || match((JsonObject)e["data"]!)));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listening;
        await _nats.DisposeAsync();
        _stop.Dispose();
    }
}
