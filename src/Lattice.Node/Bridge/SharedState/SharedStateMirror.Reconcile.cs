// Becoming leader, or back after NATS was away: the union of both sides (see SharedStateMirror.cs).
using System.Text.Json;
using Lattice.Actors;
using Lattice.Model;
using Microsoft.Extensions.Logging;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed partial class SharedStateMirror
{
    private async Task ReconcileAsync(LatticeClient client, CancellationToken cancellationToken)
    {
        var buckets = _buckets!;
        _waitingForConfig.Clear();
        _state = await client.GetStateAsync(cancellationToken);

        var storedConfigs = new HashSet<string>();
        foreach (var name in await KeysAsync(buckets.Config, cancellationToken))
        {
            if (!ConfigValues.IsMirrored(name) || await EntryAsync(buckets.Config, name, cancellationToken) is not { Value: { } bytes }) continue;
            storedConfigs.Add(name);
            if (Parsed(buckets.Config, name, bytes, ConfigValues.Parse) is { } values && !(_state.Configs.TryGetValue(name, out var ours) && ConfigValues.Same(ours.Values, values)))
                await SendAsync(client, new PutConfig(new NamedConfig(name, values)), cancellationToken);
        }
        foreach (var (name, config) in _state.Configs.Where(c => ConfigValues.IsMirrored(c.Key) && !storedConfigs.Contains(c.Key)))
            await WriteConfigAsync(name, config.Values, cancellationToken);

        var storedLinks = new Dictionary<string, IReadOnlyList<LinkDefinition>>();
        foreach (var key in await KeysAsync(buckets.Data, cancellationToken))
        {
            if (ComponentSpecification.IdOf(key) is not { } source || await EntryAsync(buckets.Data, key, cancellationToken) is not { Value: { } bytes }) continue;
            if (Parsed(buckets.Data, key, bytes, ComponentSpecification.Parse) is not { } spec) continue;
            storedLinks[source] = spec.LinksOf(source);
            await ApplyLinksAsync(source, storedLinks[source], _state, deleteMissing: false, cancellationToken);
        }

        _state = await client.GetStateAsync(cancellationToken);
        foreach (var source in LinkSets.Sources(_state.Links).Concat(_state.Components.Keys).Distinct().ToList())
        {
            var stored = storedLinks.GetValueOrDefault(source) ?? [];
            var onlyOurs = LinkSets.Of(_state, source).Where(l => !stored.Any(s => s.SameKey(l))).ToList();
            await WriteComponentAsync(source, new LinkSets.Delta(onlyOurs, []), _state, cancellationToken);
        }
        log.LogInformation("NATS bridge: links and configs reconciled with {Data} and {Config}", buckets.Data.Bucket, buckets.Config.Bucket);
    }

    // ---- bucket access ---------------------------------------------------------------------------

    /// <summary>The key's entry, or null when it has none (never written, deleted or purged).</summary>
    private static async Task<NatsKVEntry<byte[]>?> EntryAsync(INatsKVStore store, string key, CancellationToken cancellationToken)
    {
        var result = await store.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken);
        if (result.Success) return result.Value;
        return result.Error is NatsKVKeyNotFoundException or NatsKVKeyDeletedException ? null : throw result.Error;
    }

    private static async Task<List<string>> KeysAsync(INatsKVStore store, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in store.GetKeysAsync(cancellationToken: cancellationToken)) keys.Add(key);
        return keys;
    }

    /// <summary>A value read from the bucket, or null after one error line naming bucket and key (nothing is applied from it).</summary>
    private T? Parsed<T>(INatsKVStore store, string key, ReadOnlyMemory<byte> value, Parser<T> parse) where T : class
    {
        try { return parse(value.Span); }
        catch (JsonException e)
        {
            log.LogError("NATS bridge: bucket {Bucket} key {Key} holds malformed JSON ({Reason}); ignored", store.Bucket, key, CtlJson.Describe(e));
            return null;
        }
    }

    private delegate T Parser<out T>(ReadOnlySpan<byte> value);
}
