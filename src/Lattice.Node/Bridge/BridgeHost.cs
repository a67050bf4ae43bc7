// This host as the control interface presents it: id, friendly name, labels, uptime, inventory,
// and the means to act (the lattice runtime), to publish events and to tell the other bridges.
using System.Text.Json;
using System.Text.Json.Nodes;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Lattice.Node.Bridge;

internal sealed class BridgeHost(LatticeNode node, NatsSettings nats, ProviderCatalog catalog, Func<BusEvent, Task> publish, Action stopHost, ILogger log)
{
    public string HostId { get; } = node.Identity.HostId;

    public string Lattice { get; } = node.Identity.Lattice;

    public string FriendlyName { get; } = HostFacts.FriendlyName(node.Identity.HostId);

    public string Version { get; } = node.Identity.Version;

    public string NatsUrl { get; } = nats.PublicUrl;

    public HostLabels Labels { get; } = new(node.Identity.Labels, () => node.Runtime);

    public KnownRefs Refs { get; } = new();

    public ProviderCatalog Catalog { get; } = catalog;

    public ILogger Log { get; } = log;

    public TimeSpan Uptime => DateTimeOffset.UtcNow - node.Identity.StartedAt;

    public Task<LatticeRuntime> RuntimeAsync(CancellationToken cancellationToken) => node.RuntimeAsync(cancellationToken);

    public async Task<LatticeClient> ClientAsync(CancellationToken cancellationToken) => (await node.RuntimeAsync(cancellationToken)).Client;

    public Task PublishAsync(BusEvent e) => publish(e);

    public void StopHost() => stopHost();

    /// <summary>Tells every bridge that this one publishes the change that made <paramref name="version"/> (see <see cref="StateFeed"/>).</summary>
    public void Claim(long version)
    {
        if (node.Runtime is { } runtime) StateFeed.Claim(runtime.System, version);
    }

    /// <summary>
    /// Learns the reference and annotations of a component or provider from a component_scaled or
    /// provider_started event another host published: the lattice runs what it names now.
    /// </summary>
    public async Task LearnAsync(JsonObject cloudEvent, CancellationToken cancellationToken)
    {
        if ((string?)cloudEvent["source"] == HostId || cloudEvent["data"] is not JsonObject data) return;
        var annotations = data["annotations"] is JsonObject a
            ? a.Where(kv => kv.Value?.GetValueKind() == JsonValueKind.String).ToDictionary(kv => kv.Key, kv => (string)kv.Value!)
            : [];
        var state = await (await ClientAsync(cancellationToken)).GetStateAsync(cancellationToken);
        switch ((string?)cloudEvent["type"])
        {
            case CloudEvent.TypePrefix + "component_scaled"
                when (string?)data["component_id"] is { } id && (string?)data["image_ref"] is { Length: > 0 } imageRef
                     && data["max_instances"]?.GetValueKind() == JsonValueKind.Number && (long)data["max_instances"]! > 0
                     && state.Components.TryGetValue(id, out var spec):
                Refs.Component(id, new KnownRefs.Entry(imageRef, annotations, spec.ArtifactSha256));
                break;
            case CloudEvent.TypePrefix + "provider_started"
                when (string?)data["provider_id"] is { } id && (string?)data["image_ref"] is { Length: > 0 } imageRef
                     && state.Providers.TryGetValue(id, out var provider):
                Refs.Provider(id, new KnownRefs.Entry(imageRef, annotations, provider.Kind));
                break;
        }
    }

    /// <summary>Work a request acknowledged before doing it; <paramref name="failed"/> publishes its failure event.</summary>
    public void Background(string what, Func<Task> work, Func<string, Task> failed) => _ = Task.Run(async () =>
    {
        try { await work(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = Reason(e);
            Log.LogWarning("{What} failed: {Message}", what, message);
            try { await failed(message); }
            catch (Exception inner) when (inner is not OutOfMemoryException) { Log.LogWarning("publishing the failure of {What}: {Message}", what, inner.Message); }
        }
    });

    /// <summary>The one line a failure is reported with.</summary>
    public static string Reason(Exception e) => CtlJson.OneLine(e switch
    {
        AggregateException { InnerException: { } inner } => inner.Message,
        _ => e.Message,
    });

    public PingHost Ping()
    {
        var uptime = Uptime;
        return new PingHost(HostId, FriendlyName, Labels.Current, Lattice, NatsUrl, NatsUrl, HostFacts.Uptime(uptime), (ulong)Math.Max(0, uptime.TotalSeconds), Version);
    }

    /// <summary>
    /// What runs on this host: for a component scaled through the bridge, this host's share of it
    /// (BridgeNotes; what wasmCloud asked this host for), else its instances here; and its providers.
    /// </summary>
    public async Task<HostInventory> InventoryAsync(CancellationToken cancellationToken)
    {
        var runtime = await node.RuntimeAsync(cancellationToken);
        var instances = await runtime.InventoryAsync(cancellationToken);
        var providers = await runtime.ProvidersAsync(cancellationToken);
        var state = await runtime.Client.GetStateAsync(cancellationToken);
        var here = instances.GroupBy(i => i.ComponentId).ToDictionary(g => g.Key, g => g.Count());
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (id, spec) in state.Components)
        {
            var shares = BridgeNotes.Shares(spec.Notes);
            var count = shares.IsEmpty ? here.GetValueOrDefault(id) : shares.GetValueOrDefault(HostId);
            if (count > 0) counts[id] = count;
        }
        // Instances of a component the state no longer holds (stopping right now) still show, under no reference.
        foreach (var (id, count) in here.Where(h => !state.Components.ContainsKey(h.Key))) counts[id] = count;
        var components = counts
            .Select(c => state.Components.TryGetValue(c.Key, out var spec)
                ? new ComponentDescription(c.Key, Refs.ComponentRef(spec), null, Refs.ComponentAnnotations(spec), 0, (uint)c.Value, null)
                : new ComponentDescription(c.Key, "", null, Refs.ComponentAnnotations(c.Key), 0, (uint)c.Value, null))
            .ToList();
        var providerList = providers
            .Select(p => new ProviderDescription(p.ProviderId,
                state.Providers.TryGetValue(p.ProviderId, out var spec) ? Refs.ProviderRef(spec) : ArtifactRefs.ForKind(p.Kind),
                null, 0, spec is null ? Refs.ProviderAnnotations(p.ProviderId) : Refs.ProviderAnnotations(spec)))
            .ToList();
        var uptime = Uptime;
        return new HostInventory(components, providerList, HostId, FriendlyName, Labels.Current, Version, HostFacts.Uptime(uptime), (ulong)Math.Max(0, uptime.TotalSeconds));
    }
}
