// component.scale / component.update / component.auction, mapped onto the lattice's desired state.
//
// A wasmCloud host's `count` is the number of instances on that host; here the lattice runs one count
// per component and places the instances itself (placement labels, failover). A scale request sets
// this host's share (BridgeNotes): the lattice-wide count becomes the sum of the shares, and this
// host's inventory shows its share, so wash and wadm see per-host counts that add up as on wasmCloud.
// A component started another way (admin API, CLI) has no shares: the first scale request through
// NATS sets its count outright and becomes the first share; a request for 0 stops it.
// The request is acknowledged at once, as on wasmCloud; the work follows and ends in
// component_scaled or component_scale_failed, published by this host. What can be refused without
// work (bad JSON, an OCI reference, a missing file or config) is refused in the reply, with the
// failure event too.
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class ComponentControl(BridgeHost host)
{
    public async Task<CtlReply> ScaleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CtlJson.Parse<ScaleComponentCommand>(payload, "component scale command");
        var id = command.ComponentId;
        var count = command.Instances;
        var annotations = command.Annotations ?? [];
        try
        {
            Ids.Check(id, "component");
            // wasmCloud's count is a concurrency limit (wash scale's default, u32::MAX, means "no limit"); here it is
            // the number of instances to run, each a store of its own, so it must be a real number.
            if (count > LatticeState.MaxInstances)
                throw new CtlRequestException($"count must be at most {LatticeState.MaxInstances} instances in this lattice, got {count}" +
                                              (count == uint.MaxValue ? " (wash scale's default: give --max-instances N)" : ""));
        }
        catch (CtlRequestException e) { return Refused(annotations, id, command.ComponentRef, count, e.Message); }

        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        if (!state.Components.TryGetValue(id, out var existing))
            return count == 0 ? ScaleToZero(client, command, null) : Start(client, state, command);
        return count == 0 ? ScaleToZero(client, command, existing) : await RescaleAsync(client, state, existing, command, cancellationToken);
    }

    /// <summary>
    /// Takes this host's share away: the component stops when no other host has one (or it never had
    /// shares); component_scaled with max_instances 0 either way, as on wasmCloud.
    /// </summary>
    private CtlReply ScaleToZero(LatticeClient client, ScaleComponentCommand command, ComponentSpec? existing)
    {
        var id = command.ComponentId;
        var imageRef = existing is null ? command.ComponentRef : host.Refs.ComponentRef(existing);
        var annotations = existing is null ? command.Annotations ?? [] : host.Refs.ComponentAnnotations(existing);
        host.Background($"stopping component {id}", async () =>
        {
            if (existing is not null)
            {
                var shares = BridgeNotes.Shares(existing.Notes);
                var rest = shares.Remove(host.HostId);
                var remaining = existing.Instances - shares.GetValueOrDefault(host.HostId);
                LatticeState? after = null;
                if (rest.IsEmpty || remaining <= 0) after = await client.SendAsync(new StopComponent(id));
                else if (rest.Count != shares.Count)
                    after = await client.SendAsync(new StartComponent(existing with { Instances = remaining, Annotations = BridgeNotes.Compose(annotations, imageRef, rest) }));
                if (after is not null) host.Claim(after.Version);
            }
            await host.PublishAsync(EventData.ComponentScaled(annotations, host.HostId, imageRef, 0, id));
        }, error => Failed(annotations, id, imageRef, 0, error));
        return CtlReply.Done("");
    }

    private CtlReply Start(LatticeClient client, LatticeState state, ScaleComponentCommand command)
    {
        var (id, count, annotations) = (command.ComponentId, command.Instances, command.Annotations ?? []);
        try { Precheck(command.ComponentRef, command.Config, state); }
        catch (CtlRequestException e) { return Refused(annotations, id, command.ComponentRef, count, e.Message); }
        host.Background($"starting component {id}", async () =>
        {
            var sha = await ArtifactRefs.ResolveComponentAsync(command.ComponentRef, client.Artifacts, CancellationToken.None);
            Remember(id, command.ComponentRef, sha, annotations);
            var notes = BridgeNotes.Compose(annotations, command.ComponentRef, new Dictionary<string, int> { [host.HostId] = (int)count });
            host.Claim((await client.SendAsync(new StartComponent(new ComponentSpec(id, sha, (int)count, command.Config, Annotations: notes)))).Version);
            await host.PublishAsync(EventData.ComponentScaled(annotations, host.HostId, command.ComponentRef, count, id));
        }, error => Failed(annotations, id, command.ComponentRef, count, error));
        return CtlReply.Done("");
    }

    /// <summary>
    /// A running component: this host's share (or config list) is applied; another reference updates
    /// the artifact only with allow_update, otherwise the reference is kept, with wasmCloud's warning.
    /// </summary>
    private async Task<CtlReply> RescaleAsync(LatticeClient client, LatticeState state, ComponentSpec existing, ScaleComponentCommand command, CancellationToken cancellationToken)
    {
        var (id, count, annotations) = (command.ComponentId, command.Instances, command.Annotations ?? []);
        var current = host.Refs.ComponentRef(existing);
        var refChanged = command.ComponentRef.Length > 0 && command.ComponentRef != current;
        if (refChanged && await ArtifactRefs.ShaOfAsync(command.ComponentRef, cancellationToken) == existing.ArtifactSha256)
        {
            // The artifact it runs, under a reference this host had not heard of (given to another host, or before this bridge started).
            host.Refs.Component(id, new KnownRefs.Entry(command.ComponentRef, host.Refs.ComponentAnnotations(existing), existing.ArtifactSha256));
            (current, refChanged) = (command.ComponentRef, false);
        }
        var (instances, shares) = Share(existing, (int)count);
        if (refChanged && command.AllowUpdate)
        {
            try { Precheck(command.ComponentRef, command.Config, state); }
            catch (CtlRequestException e) { return Refused(annotations, id, command.ComponentRef, count, e.Message); }
            host.Background($"updating component {id}", async () =>
            {
                var sha = await ArtifactRefs.ResolveComponentAsync(command.ComponentRef, client.Artifacts, CancellationToken.None);
                Remember(id, command.ComponentRef, sha, annotations);
                host.Claim((await client.SendAsync(new StartComponent(existing with
                {
                    ArtifactSha256 = sha, Instances = instances, Config = command.Config,
                    Annotations = BridgeNotes.Compose(annotations, command.ComponentRef, shares),
                }))).Version);
                await host.PublishAsync(EventData.ComponentScaled(annotations, host.HostId, command.ComponentRef, count, id));
            }, error => Failed(annotations, id, command.ComponentRef, count, error));
            return CtlReply.Done($"Requested to scale existing component, with a changed image reference: {current} != {command.ComponentRef}. " +
                                 "The component will be scaled, and the image reference will be updated afterwards.");
        }

        var known = host.Refs.ComponentAnnotations(existing);
        host.Background($"scaling component {id}", async () =>
        {
            LatticeState? after = null;
            var notes = BridgeNotes.Compose(known, current, shares);
            if (!existing.ConfigNames.SequenceEqual(command.Config) || existing.Instances != instances || !SameNotes(existing.Notes, notes))
                after = await client.SendAsync(new StartComponent(existing with { Instances = instances, Config = command.Config, Annotations = notes }));
            if (after is not null) host.Claim(after.Version);
            await host.PublishAsync(EventData.ComponentScaled(known, host.HostId, current, count, id));
        }, error => Failed(known, id, current, count, error));
        return CtlReply.Done(refChanged
            ? $"Requested to scale existing component to a different image reference: {current} != {command.ComponentRef}. The component will be scaled but the image reference will not be updated. " +
              "If you meant to update this component to a new image ref, use the update command."
            : "");
    }

    public async Task<CtlReply> UpdateAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CtlJson.Parse<UpdateComponentCommand>(payload, "component update command");
        var id = command.ComponentId;
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        if (!state.Components.TryGetValue(id, out var existing)) return CtlReply.Error($"component {id} not found");
        var current = host.Refs.ComponentRef(existing);
        if (current == command.NewComponentRef) return CtlReply.Done($"component {id} already updated to {command.NewComponentRef}");
        var annotations = command.Annotations ?? new Dictionary<string, string>(host.Refs.ComponentAnnotations(existing));
        Precheck(command.NewComponentRef, [], state);
        host.Background($"updating component {id}", async () =>
        {
            var sha = await ArtifactRefs.ResolveComponentAsync(command.NewComponentRef, client.Artifacts, CancellationToken.None);
            Remember(id, command.NewComponentRef, sha, annotations);
            var notes = BridgeNotes.Compose(annotations, command.NewComponentRef, BridgeNotes.Shares(existing.Notes));
            var after = await client.SendAsync(new StartComponent(existing with { ArtifactSha256 = sha, Annotations = notes }));
            host.Claim(after.Version);
            // This host's share, as wasmCloud reports the count on the host that updated; the whole count without shares.
            var updated = after.Components[id];
            var instances = (uint)BridgeNotes.Shares(updated.Notes).GetValueOrDefault(host.HostId, updated.Instances);
            await host.PublishAsync(EventData.ComponentScaled(annotations, host.HostId, command.NewComponentRef, instances, id));
            await host.PublishAsync(EventData.ComponentScaled(annotations, host.HostId, current, 0, id));
        }, error => Failed(annotations, id, command.NewComponentRef, (uint)existing.Instances, error));
        return CtlReply.Done($"component {id} updating from {current} to {command.NewComponentRef}");
    }

    /// <summary>This host bids when it has every label asked for and runs no instance of the component (has no share of it).</summary>
    public async Task<CtlReply?> AuctionAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CtlJson.Parse<ComponentAuctionRequest>(payload, "component auction command");
        if (!host.Labels.Satisfies(request.Constraints)) return null;
        var runtime = await host.RuntimeAsync(cancellationToken);
        var state = await runtime.Client.GetStateAsync(cancellationToken);
        var shares = BridgeNotes.Shares(state.Components.TryGetValue(request.ComponentId, out var spec) ? spec.Notes : new Dictionary<string, string>());
        if (shares.IsEmpty ? (await runtime.InventoryAsync(cancellationToken)).Any(i => i.ComponentId == request.ComponentId) : shares.ContainsKey(host.HostId))
            return null;
        return CtlReply.Ok(new ComponentAuctionAck(request.ComponentRef, request.ComponentId, host.HostId, request.Constraints));
    }

    /// <summary>
    /// The lattice-wide count and shares after this host's share becomes <paramref name="count"/>.
    /// Without shares (started another way) the count is set outright and becomes this host's share.
    /// </summary>
    private (int Instances, IReadOnlyDictionary<string, int> Shares) Share(ComponentSpec existing, int count)
    {
        var shares = BridgeNotes.Shares(existing.Notes);
        if (shares.IsEmpty) return (count, new Dictionary<string, int> { [host.HostId] = count });
        var instances = existing.Instances - shares.GetValueOrDefault(host.HostId) + count;
        return (Math.Clamp(instances, count, LatticeState.MaxInstances), shares.SetItem(host.HostId, count));
    }

    private static bool SameNotes(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(n => b.TryGetValue(n.Key, out var v) && v == n.Value);

    /// <summary>What can be refused before any work: a reference that cannot be used, a config that does not exist.</summary>
    private static void Precheck(string imageRef, IReadOnlyList<string> config, LatticeState state)
    {
        ArtifactRefs.CheckComponent(imageRef);
        var missing = config.Where(c => !state.Configs.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new CtlRequestException("Failed to validate configuration and secrets. " + string.Concat(missing.Select(m => $"Configuration {m} not found in config store. ")).TrimEnd());
    }

    /// <summary>Refused in the reply, and with component_scale_failed for whoever waits for the outcome.</summary>
    private CtlReply Refused(IReadOnlyDictionary<string, string> annotations, string id, string imageRef, uint count, string error)
    {
        _ = Failed(annotations, id, imageRef, count, error);
        return CtlReply.Error(error);
    }

    private Task Failed(IReadOnlyDictionary<string, string> annotations, string id, string imageRef, uint count, string error) =>
        host.PublishAsync(EventData.ComponentScaleFailed(annotations, id, host.HostId, imageRef, count, error));

    /// <summary>This host shows the reference from the first instance on; the others learn it from the component_scaled event.</summary>
    private void Remember(string id, string imageRef, string sha, IReadOnlyDictionary<string, string> annotations) =>
        host.Refs.Component(id, new KnownRefs.Entry(imageRef, annotations, sha));
}

/// <summary>Component and provider ids become NATS subject tokens and actor names.</summary>
internal static class Ids
{
    public static void Check(string id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.Any(c => char.IsWhiteSpace(c) || c is '.' or '*' or '>' or '/'))
            throw new CtlRequestException($"'{id}' is not a valid {what} id (non-empty; no '.', '*', '>', '/' or whitespace)");
    }
}
