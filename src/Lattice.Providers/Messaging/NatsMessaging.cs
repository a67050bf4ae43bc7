// The running side of messaging-nats: NATS connections (one per server URL, shared), publish and
// request for components that import the consumer, and one subscription loop per subject of every
// link that names this provider as its source (wasmCloud's handler links).
//
// Config keys (case-insensitive), as wasmCloud's messaging-nats reads them:
//   cluster_uris   server URL(s), comma-separated; from the link's config, else the provider's, else nats://127.0.0.1:4222
//   subscriptions  on a handler link's source config: `subject[|queue-group]`, comma-separated
// Messages reach the component's `wasmcloud:messaging/handler@0.2.0#handle-message` through the
// lattice (any instance, local first), at most MaxInFlight per subscription at a time.
using System.Collections.Concurrent;
using Lattice.Actors;
using Lattice.Actors.Providers;
using NATS.Client.Core;

namespace Lattice.Providers.Messaging;

internal sealed class NatsMessaging(ProviderContext context) : IProviderBackend, IObservesLinks
{
    public const string DefaultUrl = "nats://127.0.0.1:4222";
    public const string HandlerFunction = "wasmcloud:messaging/handler@0.2.0#handle-message";
    private const int MaxInFlight = 16;

    private readonly ConcurrentDictionary<string, NatsConnection> _connections = new();
    private readonly Dictionary<string, Subscription> _subscriptions = [];

    public ProviderResult Handle(ProviderRequest request, ProviderLink link)
    {
        var url = Url(link.Config);
        try
        {
            switch (request.Operation)
            {
                case "publish":
                    Connection(url).PublishAsync(request.Args[0], request.Payload ?? [], replyTo: request.Args.ElementAtOrDefault(1))
                        .AsTask().GetAwaiter().GetResult();
                    return ProviderResult.Done;
                case "request":
                    var timeout = TimeSpan.FromMilliseconds(request.Number);
                    var reply = Connection(url).RequestAsync<byte[], byte[]>(request.Args[0], request.Payload ?? [],
                            replyOpts: new NatsSubOpts { Timeout = timeout })
                        .AsTask().GetAwaiter().GetResult();
                    return new ProviderResult(Payload: reply.Data ?? [], Items: reply.ReplyTo is null ? [reply.Subject] : [reply.Subject, reply.ReplyTo], Found: true);
                default:
                    return ProviderResult.Fail($"messaging has no operation '{request.Operation}'");
            }
        }
        catch (NatsNoRespondersException) { return ProviderResult.Fail($"no responders on '{request.Args[0]}' ({url})"); }
        catch (NatsNoReplyException) { return ProviderResult.Fail($"no reply on '{request.Args[0]}' within {request.Number} ms ({url})"); }
        catch (NatsException e) { return ProviderResult.Fail($"NATS at {url}: {e.Message}"); }
    }

    public void LinksChanged(ProviderLinks links)
    {
        var wanted = new Dictionary<string, (string Component, string Subject, string? Queue, string Url)>();
        foreach (var link in links.AsSource.Where(l => l.Interfaces.Contains("handler")))
            foreach (var (subject, queue) in Subscriptions(link.Config))
                wanted[$"{link.PeerId}\n{link.Name}\n{subject}\n{queue}\n{Url(link.Config)}"] = (link.PeerId, subject, queue, Url(link.Config));

        foreach (var key in _subscriptions.Keys.Except(wanted.Keys).ToList())
        {
            _subscriptions[key].Dispose();
            _subscriptions.Remove(key);
        }
        foreach (var (key, s) in wanted.Where(w => !_subscriptions.ContainsKey(w.Key)))
            _subscriptions[key] = new Subscription(Connection(s.Url), s.Subject, s.Queue, m => DeliverAsync(s.Component, m), context);
    }

    private async Task DeliverAsync(string component, NatsMsg<byte[]> message)
    {
        var json = new BrokerMessage(message.Subject, message.Data ?? [], message.ReplyTo).ToJson();
        try
        {
            var result = await context.Calls.CallJsonAsync(component, HandlerFunction, [json]);
            if (result.Contains("\"err\"")) context.Warn($"{context.ProviderId}: {component} refused a message on '{message.Subject}': {result}");
        }
        catch (LatticeCallException e)
        {
            context.Warn($"{context.ProviderId}: could not deliver a message on '{message.Subject}' to {component}: {e.Message}");
        }
    }

    private string Url(IReadOnlyDictionary<string, string> linkConfig) =>
        Setting(linkConfig, "cluster_uris") ?? Setting(context.Config, "cluster_uris") ?? DefaultUrl;

    private NatsConnection Connection(string url) =>
        _connections.GetOrAdd(url, u => new NatsConnection(new NatsOpts { Url = u, Name = $"lattice-{context.ProviderId}" }));

    private static IEnumerable<(string Subject, string? Queue)> Subscriptions(IReadOnlyDictionary<string, string> config) =>
        (Setting(config, "subscriptions") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.Split('|', 2, StringSplitOptions.TrimEntries))
            .Select(p => (p[0], p.Length > 1 && p[1].Length > 0 ? p[1] : null));

    private static string? Setting(IReadOnlyDictionary<string, string> config, string key) =>
        config.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v : null;

    public void Dispose()
    {
        foreach (var s in _subscriptions.Values) s.Dispose();
        _subscriptions.Clear();
        foreach (var c in _connections.Values) c.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connections.Clear();
    }

    /// <summary>One subject's loop: reads messages and hands each to <c>deliver</c>, a bounded number at a time.</summary>
    private sealed class Subscription : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public Subscription(NatsConnection connection, string subject, string? queue, Func<NatsMsg<byte[]>, Task> deliver, ProviderContext context) =>
            _ = RunAsync(connection, subject, queue, deliver, context);

        private async Task RunAsync(NatsConnection connection, string subject, string? queue, Func<NatsMsg<byte[]>, Task> deliver, ProviderContext context)
        {
            using var slots = new SemaphoreSlim(MaxInFlight);
            try
            {
                await foreach (var message in connection.SubscribeAsync<byte[]>(subject, queue, cancellationToken: _stop.Token))
                {
                    await slots.WaitAsync(_stop.Token);
                    _ = deliver(message).ContinueWith(_ => slots.Release(), TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { context.Warn($"{context.ProviderId}: subscription to '{subject}' ended: {e.Message}"); }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
