// Buckets → our side: entries other hosts wrote become links and configs here (see SharedStateMirror.cs).
using Lattice.Actors;
using Lattice.Model;
using Microsoft.Extensions.Logging;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed partial class SharedStateMirror
{
    private bool Ours(Bucket bucket, NatsKVEntry<byte[]> entry) =>
        _written.TryGetValue((bucket, entry.Key), out var revision) && entry.Revision <= revision;

    private async Task ApplyComponentAsync(NatsKVEntry<byte[]> entry, CancellationToken cancellationToken)
    {
        if (Ours(Bucket.Data, entry) || ComponentSpecification.IdOf(entry.Key) is not { } source) return; // CLAIMS_, LINKDEF_, REFMAP_: not ours to read
        IReadOnlyList<LinkDefinition> theirs = [];
        if (entry.Operation == NatsKVOperation.Put)
        {
            if (Parsed(_buckets!.Data, entry.Key, entry.Value ?? [], ComponentSpecification.Parse) is not { } spec) return;
            theirs = spec.LinksOf(source);
        }
        await ApplyLinksAsync(source, theirs, _state, deleteMissing: true, cancellationToken);
    }

    private async Task ApplyConfigAsync(NatsKVEntry<byte[]> entry, CancellationToken cancellationToken)
    {
        if (Ours(Bucket.Config, entry) || !ConfigValues.IsMirrored(entry.Key)) return;
        var client = await host.ClientAsync(cancellationToken);
        if (entry.Operation == NatsKVOperation.Put)
        {
            if (Parsed(_buckets!.Config, entry.Key, entry.Value ?? [], ConfigValues.Parse) is not { } values) return;
            if (_state.Configs.TryGetValue(entry.Key, out var ours) && ConfigValues.Same(ours.Values, values)) return;
            await SendAsync(client, new PutConfig(new NamedConfig(entry.Key, values)), cancellationToken);
            await RetryWaitingLinksAsync(cancellationToken);
        }
        else if (_state.Configs.ContainsKey(entry.Key))
        {
            await SendAsync(client, new DeleteConfig(entry.Key), cancellationToken);
        }
    }

    /// <summary>Makes our links of <paramref name="source"/> those of <paramref name="theirs"/> (only adds them, when not <paramref name="deleteMissing"/>).</summary>
    private async Task ApplyLinksAsync(string source, IReadOnlyList<LinkDefinition> theirs, LatticeState basis, bool deleteMissing, CancellationToken cancellationToken)
    {
        var delta = LinkSets.Reconcile(LinkSets.Of(basis, source), theirs);
        _waitingForConfig.Remove(source);
        if (delta.IsEmpty || (!deleteMissing && delta.Puts.Count == 0)) return;
        var client = await host.ClientAsync(cancellationToken);
        var configs = (await client.GetStateAsync(cancellationToken)).Configs;
        foreach (var link in delta.Puts)
        {
            var missing = link.SourceConfigNames.Concat(link.TargetConfigNames).Where(c => !configs.ContainsKey(c)).Distinct().ToList();
            if (missing.Count > 0)
            {
                // Applied when the config arrives (a wasmCloud host checks configs exist before it writes a link: it is on its way).
                log.LogInformation("NATS bridge: the link from {Source} on {Package} named {Name} waits for config {Missing}",
                    source, link.WitPackage, link.Name, string.Join(", ", missing));
                _waitingForConfig[source] = theirs;
                continue;
            }
            await SendAsync(client, new PutLink(link), cancellationToken);
        }
        if (!deleteMissing) return;
        foreach (var gone in delta.Removed)
            await SendAsync(client, new DeleteLink(gone.Source, gone.Namespace, gone.Package, gone.Name), cancellationToken);
    }

    private async Task RetryWaitingLinksAsync(CancellationToken cancellationToken)
    {
        foreach (var (source, theirs) in _waitingForConfig.ToList())
            await ApplyLinksAsync(source, theirs, _state, deleteMissing: true, cancellationToken);
    }

    /// <summary>Carries out a change a wasmCloud host made (and announced): its version is claimed, so the leader does not announce it again.</summary>
    private async Task SendAsync(LatticeClient client, LatticeCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var after = await client.SendAsync(command, cancellationToken);
            host.Claim(after.Version);
        }
        catch (LatticeCommandException e)
        {
            // Already done (a delete of what is gone) or refused by our rules (a link to itself): the bucket keeps it, we do not.
            log.LogWarning("NATS bridge: not applying {Command} from the shared buckets: {Message}", command.GetType().Name, e.Message);
        }
    }
}
