// host.ping / host.get / host.stop, label.put / label.del, claims.get, registry.put.
using System.Text.Json.Nodes;

namespace Lattice.Node.Bridge;

internal sealed class HostControl(BridgeHost host)
{
    public CtlReply Ping() => CtlReply.Ok(host.Ping());

    public async Task<CtlReply> InventoryAsync(CancellationToken cancellationToken) => CtlReply.Ok(await host.InventoryAsync(cancellationToken));

    /// <summary>Acknowledges, then leaves the cluster gracefully (shards hand off) and exits; host_stopped is published on the way out.</summary>
    public CtlReply Stop(ReadOnlyMemory<byte> payload, string subjectHostId)
    {
        // An empty payload stops the host too, as on wasmCloud.
        if (!payload.IsEmpty)
        {
            var command = CtlJson.Parse<StopHostCommand>(payload, "stop command");
            if (command.HostId.Length > 0 && command.HostId != host.HostId) throw new CtlRequestException($"invalid host_id [{command.HostId}]");
        }
        if (subjectHostId != host.HostId) throw new CtlRequestException($"invalid host_id [{subjectHostId}]");
        host.StopHost();
        return CtlReply.Done("successfully handled stop host");
    }

    public async Task<CtlReply> PutLabelAsync(string hostId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var label = CtlJson.Parse<HostLabel>(payload, "put label request");
        var labels = await host.Labels.PutAsync(label.Key, label.Value, cancellationToken);
        await host.PublishAsync(EventData.LabelsChanged(hostId, labels));
        return CtlReply.Done("successfully put label");
    }

    public async Task<CtlReply> DeleteLabelAsync(string hostId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var label = CtlJson.Parse<HostLabelIdentifier>(payload, "delete label request");
        if (await host.Labels.DeleteAsync(label.Key, cancellationToken) is not { } labels) return CtlReply.Done("successfully deleted label (no such label)");
        await host.PublishAsync(EventData.LabelsChanged(hostId, labels));
        return CtlReply.Done("successfully deleted label");
    }

    /// <summary>No component or provider here carries claims.</summary>
    public static CtlReply Claims() => new(true, "", new JsonArray());

    /// <summary>Accepted and checked, but unused: this host pulls no images.</summary>
    public static CtlReply PutRegistries(ReadOnlyMemory<byte> payload)
    {
        CtlJson.Parse<Dictionary<string, RegistryCredential>>(payload, "registries put command");
        return CtlReply.Done("successfully put registries");
    }
}
