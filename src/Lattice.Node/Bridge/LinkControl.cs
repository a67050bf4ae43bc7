// link.put / link.del / link.get (queue group: one host of the lattice answers). Links are the
// lattice's own, so a link put here is seen by every host, ours through the runtime.
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class LinkControl(BridgeHost host)
{
    public async Task<CtlReply> PutAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var link = CtlJson.Parse<CtlLink>(payload, "wrpc link definition");
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        try
        {
            var missing = link.SourceConfig.Concat(link.TargetConfig).Where(c => !state.Configs.ContainsKey(c)).Distinct().ToList();
            if (missing.Count > 0)
                throw new CtlRequestException("Failed to validate configuration and secrets. " + string.Concat(missing.Select(m => $"Configuration {m} not found in config store. ")).TrimEnd());
            var sameKey = state.Links.FirstOrDefault(l => l.SameKey(LinkMapping.ToModel(link)));
            if (sameKey is not null && sameKey.Target != link.Target)
                throw new CtlRequestException(sameKey.Interfaces.Any(link.Interfaces.Contains)
                    ? "link already exists with different target, consider deleting the existing link or using a different link name"
                    : $"a link from {link.SourceId} on {link.WitNamespace}:{link.WitPackage} named '{link.Name}' already goes to {sameKey.Target}; " +
                      "this lattice keeps one target per source, package and link name (delete it first or use another link name)");
            var after = await client.SendAsync(new PutLink(LinkMapping.ToModel(link)), cancellationToken);
            host.Claim(after.Version);
        }
        catch (Exception e) when (e is CtlRequestException or LatticeCommandException)
        {
            await host.PublishAsync(EventData.LinkdefSetFailed(link, e.Message));
            return CtlReply.Error(e.Message);
        }
        await host.PublishAsync(EventData.LinkdefSet(link));
        return CtlReply.Done("successfully set link");
    }

    /// <summary>Idempotent: deleting a link that is not there succeeds, and linkdef_deleted is published either way.</summary>
    public async Task<CtlReply> DeleteAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = CtlJson.Parse<DeleteLinkRequest>(payload, "wrpc link definition");
        var client = await host.ClientAsync(cancellationToken);
        var state = await client.GetStateAsync(cancellationToken);
        var existing = state.Links.FirstOrDefault(l =>
            l.Source == request.SourceId && l.Namespace == request.WitNamespace && l.Package == request.WitPackage && l.Name == request.Name);
        if (existing is not null)
        {
            var after = await client.SendAsync(new DeleteLink(request.SourceId, request.WitNamespace, request.WitPackage, request.Name), cancellationToken);
            host.Claim(after.Version);
        }
        await host.PublishAsync(EventData.LinkdefDeleted(request.SourceId, existing?.Target, request.Name, request.WitNamespace, request.WitPackage, existing?.Interfaces));
        return CtlReply.Done("successfully deleted link");
    }

    public async Task<CtlReply> GetAsync(CancellationToken cancellationToken)
    {
        var state = await (await host.ClientAsync(cancellationToken)).GetStateAsync(cancellationToken);
        return CtlReply.Ok(state.Links.Select(LinkMapping.ToCtl).ToList());
    }
}
