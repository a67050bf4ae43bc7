// Our side → buckets: each change of the desired state written as a wasmCloud host writes it (see SharedStateMirror.cs).
using Lattice.Model;
using Microsoft.Extensions.Logging;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed partial class SharedStateMirror
{
    private async Task WriteAsync(LatticeState before, LatticeState after, CancellationToken cancellationToken)
    {
        foreach (var (name, config) in after.Configs)
            if (ConfigValues.IsMirrored(name) && (!before.Configs.TryGetValue(name, out var old) || !ConfigValues.Same(old.Values, config.Values)))
                await WriteConfigAsync(name, config.Values, cancellationToken);
        foreach (var name in before.Configs.Keys.Where(n => !after.Configs.ContainsKey(n) && ConfigValues.IsMirrored(n)))
            await PurgeConfigAsync(name, cancellationToken);

        var started = after.Components.Where(c => !before.Components.TryGetValue(c.Key, out var old) || old.ArtifactSha256 != c.Value.ArtifactSha256)
            .Select(c => c.Key).ToHashSet();
        foreach (var source in LinkSets.Sources(before.Links.Concat(after.Links)).Concat(started).Distinct())
        {
            var delta = LinkSets.Changes(before, after, source);
            if (!delta.IsEmpty || started.Contains(source)) await WriteComponentAsync(source, delta, after, cancellationToken);
        }
    }

    private async Task WriteConfigAsync(string name, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var store = _buckets!.Config;
        if (await EntryAsync(store, name, cancellationToken) is { Value: { } stored } && Parsed(store, name, stored, ConfigValues.Parse) is { } current && ConfigValues.Same(current, values))
            return;
        _written[(Bucket.Config, name)] = await store.PutAsync(name, ConfigValues.ToBytes(values), cancellationToken: cancellationToken);
    }

    private async Task PurgeConfigAsync(string name, CancellationToken cancellationToken)
    {
        if (await EntryAsync(_buckets!.Config, name, cancellationToken) is null) return;
        await _buckets.Config.PurgeAsync(name, cancellationToken: cancellationToken); // as wasmCloud's config.del does
    }

    /// <summary>Applies <paramref name="delta"/> to what COMPONENT_{source} holds, revision-checked, and takes in what the key held that we did not know.</summary>
    private async Task WriteComponentAsync(string source, LinkSets.Delta delta, LatticeState state, CancellationToken cancellationToken)
    {
        var store = _buckets!.Data;
        var key = ComponentSpecification.Key(source);
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            var entry = await EntryAsync(store, key, cancellationToken);
            var stored = entry?.Value is { } bytes ? Parsed(store, key, bytes, ComponentSpecification.Parse) : null;
            var storedLinks = stored?.LinksOf(source) ?? [];
            var merged = LinkSets.Merge(storedLinks, delta);
            var url = UrlOf(source, state) ?? stored?.Url ?? "";
            if (stored is not null && stored.Url == url && stored.Links.Count == storedLinks.Count && LinkSets.Same(merged, storedLinks)) return;

            var value = new ComponentSpecification { Url = url, Links = [.. merged.Select(LinkMapping.ToCtl)] }.ToBytes();
            try
            {
                _written[(Bucket.Data, key)] = entry is { } e
                    ? await store.UpdateAsync(key, value, e.Revision, cancellationToken: cancellationToken)
                    : await store.CreateAsync(key, value, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is NatsKVWrongLastRevisionException or NatsKVCreateException)
            {
                continue; // written meanwhile by someone else: apply the change to what it holds now
            }
            await ApplyLinksAsync(source, merged, state, deleteMissing: true, cancellationToken);
            return;
        }
        log.LogWarning("NATS bridge: {Bucket} key {Key} kept changing under us; our links of {Source} are written at the next reconciliation", store.Bucket, key, source);
        _leading = false;
    }

    /// <summary>The reference the source runs from, when it is one of ours.</summary>
    private string? UrlOf(string source, LatticeState state) =>
        state.Components.TryGetValue(source, out var component) ? host.Refs.ComponentRef(component)
        : state.Providers.TryGetValue(source, out var provider) ? host.Refs.ProviderRef(provider)
        : null;
}
