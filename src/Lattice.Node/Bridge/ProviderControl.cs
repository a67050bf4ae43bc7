// provider.start / provider.stop / provider.auction. Providers here are the runtime's built-in
// kinds (see ArtifactRefs.ProviderKind) and, like components, lattice-wide: a provider id runs once
// in the lattice, wherever the lattice places it.
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class ProviderControl(BridgeHost host)
{
    public async Task<CtlReply> StartAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CtlJson.Parse<StartProviderCommand>(payload, "provider start command");
        var id = command.ProviderId;
        var annotations = command.Annotations ?? [];
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        if (state.Providers.ContainsKey(id)) return CtlReply.Error("provider with that ID is already running");
        string kind;
        try
        {
            Ids.Check(id, "provider");
            kind = ArtifactRefs.ProviderKind(command.ProviderRef, host.Catalog);
        }
        catch (CtlRequestException e)
        {
            await host.PublishAsync(EventData.ProviderStartFailed(command.ProviderRef, id, host.HostId, e.Message));
            return CtlReply.Error(e.Message);
        }
        host.Background($"starting provider {id}", async () =>
        {
            host.Refs.Provider(id, new KnownRefs.Entry(command.ProviderRef, annotations, kind));
            var notes = BridgeNotes.Compose(annotations, command.ProviderRef);
            host.Claim((await client.SendAsync(new StartProvider(new ProviderSpec(id, kind, command.Config, notes)))).Version);
            await host.PublishAsync(EventData.ProviderStarted(host.HostId, command.ProviderRef, id, annotations));
        }, error => host.PublishAsync(EventData.ProviderStartFailed(command.ProviderRef, id, host.HostId, error)));
        return CtlReply.Done("successfully started provider");
    }

    /// <summary>Answers once the lattice has stopped the provider, as a wasmCloud host answers after the shutdown.</summary>
    public async Task<CtlReply> StopAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var command = CtlJson.Parse<StopProviderCommand>(payload, "provider stop command");
        var id = command.Id;
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        if (!state.Providers.TryGetValue(id, out var spec)) return CtlReply.Error("provider with that ID is not running");
        var annotations = host.Refs.ProviderAnnotations(spec);
        var after = await client.SendAsync(new StopProvider(id), cancellationToken);
        host.Claim(after.Version);
        await host.PublishAsync(EventData.ProviderStopped(annotations, host.HostId, id, "stop"));
        return CtlReply.Done("successfully stopped provider");
    }

    /// <summary>This host bids when it has every label asked for and does not run the provider.</summary>
    public async Task<CtlReply?> AuctionAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CtlJson.Parse<ProviderAuctionRequest>(payload, "provider auction command");
        if (!host.Labels.Satisfies(request.Constraints)) return null;
        var runtime = await host.RuntimeAsync(cancellationToken);
        if ((await runtime.ProvidersAsync(cancellationToken)).Any(p => p.ProviderId == request.ProviderId)) return null;
        return CtlReply.Ok(new ProviderAuctionAck(host.HostId, request.ProviderRef, request.ProviderId, request.Constraints));
    }
}
