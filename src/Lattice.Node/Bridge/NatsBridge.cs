// The NATS bridge of one host (`lattice up --nats URL`): it joins a wasmCloud 1.x lattice of the
// same name as a host like any other. It connects in the background (start-up never waits for
// NATS), reconnects forever, answers the control interface once the runtime is up, and publishes
// lattice events: host_started, a host_heartbeat every 30 s (and at once after a reconnect, which
// re-announces the host; NATS.Net re-subscribes by itself), health checks of the providers running
// here, the events of the requests it handled, and, on the leader, those of every other change
// (see StateFeed). host_stopped goes out when the host stops. The wRPC transport shares
// <see cref="Connection"/>: every component of the desired state is served over wRPC (ComponentServing), and links to targets
// outside the lattice are called with it (WrpcLinks). Links and configs are mirrored to and from the
// LATTICEDATA_/CONFIGDATA_ JetStream buckets wasmCloud hosts share them in (SharedState/SharedStateMirror).
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Akka.Actor;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Node.Bridge.SharedState;
using Lattice.Node.Hosting;
using Lattice.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Lattice.Node.Bridge;

internal sealed class NatsBridge(LatticeNode node, NatsSettings settings, IHostApplicationLifetime lifetime, ILogger<NatsBridge> log) : BackgroundService
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(5);

    private readonly Channel<BusEvent> _diffEvents = Channel.CreateUnbounded<BusEvent>(new UnboundedChannelOptions { SingleReader = true });
    private BridgeHost? _host;
    private NatsConnection? _connection;
    private IActorRef? _feed;
    private ComponentServing? _serving;
    private WrpcLinks? _links;
    private volatile bool _announced;
    private int _openings;

    /// <summary>The bridge's NATS connection once created (it may be between reconnects).</summary>
    public INatsConnection? Connection => _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start-up goes on; everything below happens in the background
        try { await RunAsync(stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (HostNotReadyException) { } // the runtime failed to start: the host is stopping anyway
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The bridge is an addition: whatever breaks it must not stop the host.
            log.LogError("NATS bridge stopped: {Message}; the host goes on without it", BridgeHost.Reason(e));
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var host = _host = new BridgeHost(node, settings, BuiltInProviders.Catalog, PublishAsync, StopHostSoon, log);
        var connection = _connection = new NatsConnection(Options(host));
        connection.ConnectionOpened += OnOpened;
        connection.ConnectionDisconnected += (_, _) =>
        {
            log.LogWarning("NATS bridge: disconnected from {Url}; reconnecting", settings.PublicUrl);
            return ValueTask.CompletedTask;
        };

        var runtime = await WaitForRuntimeAsync(stoppingToken);
        var baseline = await BaselineAsync(runtime, stoppingToken);
        var shared = new SharedStateMirror(connection, host, log);
        host.Labels.Noticed(baseline);
        _feed = runtime.System.ActorOf(StateFeed.Props(baseline, OnStateChanged, (before, after) =>
        {
            shared.StateChanged(before, after);
            OnLabelsChanged(host, after);
        }), "nats-bridge-feed");

        log.LogInformation("NATS bridge: connecting to {Url}", settings.PublicUrl);
        var connecting = connection.ConnectAsync().AsTask();
        if (await Task.WhenAny(connecting, Task.Delay(TimeSpan.FromSeconds(5), stoppingToken)) != connecting && !stoppingToken.IsCancellationRequested)
            log.LogWarning("NATS bridge: {Url} does not answer yet; the host serves the lattice meanwhile and keeps trying", settings.PublicUrl);
        await connecting.WaitAsync(stoppingToken);

        var ctl = new ControlInterface(host);
        var loops = new List<Task>();
        foreach (var s in ControlInterface.Subscriptions(host.Lattice, host.HostId))
        {
            var sub = await connection.SubscribeCoreAsync<byte[]>(s.Subject, s.QueueGroup, cancellationToken: stoppingToken);
            loops.Add(ServeAsync(sub, ctl, stoppingToken));
        }
        foreach (var name in (string[])["component_scaled", "provider_started"])
            loops.Add(LearnAsync(await connection.SubscribeCoreAsync<byte[]>(CloudEvent.Subject(host.Lattice, name), cancellationToken: stoppingToken), host, stoppingToken));
        await PublishAsync(EventData.HostStarted(host.FriendlyName, host.Labels.Current, host.Version));
        _announced = true;
        log.LogInformation("NATS bridge: host {HostId} joined lattice {Lattice} at {Url}", host.HostId, host.Lattice, settings.PublicUrl);

        _serving = new ComponentServing(connection, runtime.Client, host.Lattice, log);
        loops.Add(_serving.RunAsync(stoppingToken));
        ExternalLinks.Current = _links = new WrpcLinks(connection, host.Lattice, _serving.Serves);
        loops.Add(shared.RunAsync(stoppingToken));
        loops.Add(HeartbeatAsync(host, stoppingToken));
        loops.Add(PublishDiffsAsync(stoppingToken));
        await Task.WhenAll(loops);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_announced && _host is { } host) await PublishAsync(EventData.HostStopped(host.Labels.Current));
        await base.StopAsync(cancellationToken);
        if (_feed is not null && node.Runtime is { } runtime) runtime.System.Stop(_feed);
        if (_serving is not null) await _serving.DisposeAsync();
        if (_links is not null)
        {
            if (ExternalLinks.Current == _links) ExternalLinks.Current = null;
            await _links.DisposeAsync();
        }
        if (_connection is not null) await _connection.DisposeAsync();
    }

    private NatsOpts Options(BridgeHost host) => NatsOpts.Default with
    {
        Url = settings.Url,
        Name = $"lattice host {host.HostId}",
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        // A short backoff: a restarted NATS server is answered again within about a second.
        ReconnectWaitMin = TimeSpan.FromMilliseconds(250),
        ReconnectWaitMax = TimeSpan.FromSeconds(1),
        AuthOpts = settings.CredsFile is null ? NatsAuthOpts.Default : NatsAuthOpts.Default with { CredsFile = settings.CredsFile },
    };

    private async Task<LatticeRuntime> WaitForRuntimeAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try { return await node.RuntimeAsync(stoppingToken); }
            catch (HostNotReadyException e) when (node.ExitCode == 0) { log.LogInformation("NATS bridge: waiting for the runtime ({Message})", e.Message); }
        }
    }

    /// <summary>The desired state now (the singleton may still be moving in: ask until it answers).</summary>
    private async Task<LatticeState> BaselineAsync(LatticeRuntime runtime, CancellationToken stoppingToken)
    {
        while (true)
        {
            try { return await runtime.Client.GetStateAsync(stoppingToken); }
            catch (Akka.Actor.AskTimeoutException) { log.LogInformation("NATS bridge: waiting for the lattice state"); }
        }
    }

    /// <summary>Each request is handled on its own, as a wasmCloud host does (a slow one does not hold up a ping).</summary>
    private async Task ServeAsync(INatsSub<byte[]> sub, ControlInterface ctl, CancellationToken stoppingToken)
    {
        await using var subscription = sub;
        await foreach (var message in sub.Msgs.ReadAllAsync(stoppingToken))
        {
            var m = message;
            _ = Task.Run(async () =>
            {
                try
                {
                    var reply = await ctl.HandleAsync(m.Subject, m.Data ?? [], stoppingToken);
                    if (reply is not null && m.ReplyTo is not null) await m.ReplyAsync(reply.ToBytes(), cancellationToken: stoppingToken);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (!stoppingToken.IsCancellationRequested) log.LogWarning("NATS bridge: answering {Subject}: {Message}", m.Subject, BridgeHost.Reason(e));
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>References other hosts were given, from their events (see KnownRefs).</summary>
    private async Task LearnAsync(INatsSub<byte[]> sub, BridgeHost host, CancellationToken stoppingToken)
    {
        await using var subscription = sub;
        await foreach (var message in sub.Msgs.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (JsonNode.Parse(message.Data ?? []) is JsonObject cloudEvent) await host.LearnAsync(cloudEvent, stoppingToken);
            }
            catch (Exception e) when (e is JsonException or Akka.Actor.AskTimeoutException or HostNotReadyException)
            {
                log.LogDebug("NATS bridge: ignoring {Subject}: {Message}", message.Subject, e.Message);
            }
        }
    }

    /// <summary>host_heartbeat every interval (the first one interval after start); health checks of the providers here every 5 s.</summary>
    private async Task HeartbeatAsync(BridgeHost host, CancellationToken stoppingToken)
    {
        var lastBeat = DateTime.UtcNow;
        var healthy = new HashSet<string>();
        using var timer = new PeriodicTimer(HealthInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var beat = DateTime.UtcNow - lastBeat >= settings.HeartbeatInterval;
            try
            {
                var runtime = await node.RuntimeAsync(stoppingToken);
                var providers = (await runtime.ProvidersAsync(stoppingToken)).Select(p => p.ProviderId).ToHashSet();
                foreach (var id in providers)
                    if (healthy.Add(id)) await PublishAsync(EventData.HealthCheck("health_check_passed", host.HostId, id));
                    else if (beat) await PublishAsync(EventData.HealthCheck("health_check_status", host.HostId, id));
                healthy.IntersectWith(providers);
                if (beat)
                {
                    lastBeat = DateTime.UtcNow;
                    await PublishHeartbeatAsync(host, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("NATS bridge: heartbeat: {Message}", BridgeHost.Reason(e));
            }
        }
    }

    private async Task PublishHeartbeatAsync(BridgeHost host, CancellationToken cancellationToken) =>
        await PublishAsync(EventData.Heartbeat(await host.InventoryAsync(cancellationToken)));

    /// <summary>After a reconnect (not the first connect) the host announces itself again with a heartbeat.</summary>
    private ValueTask OnOpened(object? sender, NatsEventArgs args)
    {
        if (Interlocked.Increment(ref _openings) > 1 && _announced && _host is { } host)
        {
            log.LogInformation("NATS bridge: reconnected to {Url}", settings.PublicUrl);
            _ = Task.Run(async () =>
            {
                try { await PublishHeartbeatAsync(host, CancellationToken.None); }
                catch (Exception e) when (e is not OutOfMemoryException) { log.LogWarning("NATS bridge: heartbeat after reconnect: {Message}", BridgeHost.Reason(e)); }
            });
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Called by the StateFeed actor when this host publishes a change nobody published yet.</summary>
    private void OnStateChanged(LatticeState before, LatticeState after)
    {
        if (_host is not { } host) return;
        foreach (var e in StateDiff.Events(before, after, host.HostId, host.Refs)) _diffEvents.Writer.TryWrite(e);
    }

    /// <summary>This host's labels changed another way than over NATS (`lattice label`): labels_changed, as label.put would.</summary>
    private void OnLabelsChanged(BridgeHost host, LatticeState after)
    {
        if (host.Labels.Noticed(after) is { } labels) _diffEvents.Writer.TryWrite(EventData.LabelsChanged(host.HostId, labels));
    }

    private async Task PublishDiffsAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in _diffEvents.Reader.ReadAllAsync(stoppingToken)) await PublishAsync(e);
    }

    /// <summary>Publishes one event; while NATS is away it is dropped (a heartbeat follows the reconnect).</summary>
    private async Task PublishAsync(BusEvent e)
    {
        if (_connection is not { ConnectionState: NatsConnectionState.Open } connection || _host is not { } host)
        {
            log.LogDebug("NATS bridge: not connected, {Event} not published", e.Name);
            return;
        }
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await connection.PublishAsync(CloudEvent.Subject(host.Lattice, e.Name), CloudEvent.Envelope(e, host.HostId, DateTimeOffset.UtcNow), cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            log.LogWarning("NATS bridge: publishing {Event}: {Message}", e.Name, BridgeHost.Reason(ex));
        }
    }

    /// <summary>host.stop: the reply goes out first, then the host leaves the cluster and exits.</summary>
    private void StopHostSoon() => _ = Task.Run(async () =>
    {
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        log.LogInformation("NATS bridge: stopping this host (host.stop)");
        lifetime.StopApplication();
    });
}
