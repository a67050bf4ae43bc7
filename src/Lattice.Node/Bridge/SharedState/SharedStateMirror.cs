// Keeps our lattice's links and configs and wasmCloud's shared buckets (LATTICEDATA_{lattice},
// CONFIGDATA_{lattice}) equal, so that wasmCloud hosts and ours in one lattice see the same links
// and configs whichever host answered the `link.*` / `config.*` request.
//
// Who acts. Every bridge opens the buckets and watches them, but only the bridge of the Akka cluster
// leader acts, on both sides: it writes our changes into the buckets and applies the buckets'
// changes to our desired state. One writer means our cluster never races itself on a key; one
// applier means a change is applied (and its state version claimed) once. Whatever the bridge sees
// while it is not the leader it drops: a bridge that becomes leader first reconciles everything
// (below), and goes on from there.
//
// Our side → buckets. Every change of the desired state (the StateFeed passes each one, whoever
// made it) is written as a wasmCloud host writes a link.put/link.del/config.put/config.del: for a
// source whose links changed, read COMPONENT_{source}, apply the change to the links it holds
// (replace by key, append, remove by key), write it back only if the revision is still the one
// read (else read again); configs are put, and purged when deleted. A started component gets its
// `url` the same way. A key that already holds what we would write is not written.
//
// Buckets → our side. A watched entry written by someone else makes our links of that source equal
// to the entry's (PutLink/DeleteLink), and a CONFIGDATA put or delete becomes PutConfig/DeleteConfig.
// The state versions these produce are claimed (StateFeed), so the leader does not announce, as
// linkdef_set or config_set, what the wasmCloud host that wrote the bucket has announced already.
// A link naming a config we do not have yet waits until that config arrives.
//
// Why there are no loops. Our own writes come back through the watch: each write's revision is
// remembered per key, and an entry at or below it is ours or older than ours, so it is skipped.
// An applied entry changes our state, which comes back as a change to write: the key already holds
// exactly that, so nothing is written. A change that equals our state applies nothing (no version).
// Work is done one item at a time, state changes and watched entries in the order they arrived.
//
// Becoming leader (and after NATS was away or a watch was lost): a union, nothing deleted on either side. Configs in the
// bucket win over ours of the same name (they are what wasmCloud hosts use now), configs only we
// have are written; links only in the bucket are applied here, links only here are merged into the
// bucket, and a key held both ways with different targets keeps the bucket's.
//
// Not covered: two writers changing one COMPONENT_ key at the same instant (wasmCloud hosts do not
// guard that either: their read-modify-write has no revision check), and deletions made on one
// side while the other could not see them (no leader bridge, NATS away: the union brings them back).
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed class SharedStateMirror(INatsConnection connection, BridgeHost host, ILogger log)
{
    private static readonly TimeSpan LeaderCheck = TimeSpan.FromSeconds(2);
    private const int WriteAttempts = 5;

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(Bucket, string), ulong> _written = [];
    private readonly Dictionary<string, IReadOnlyList<LinkDefinition>> _waitingForConfig = [];
    private SharedBuckets? _buckets;
    private LatticeState _state = LatticeState.Empty;
    private bool _leading;

    private enum Bucket { Data, Config }

    /// <summary>Called (by the StateFeed) for every change of the desired state, in order.</summary>
    public void StateChanged(LatticeState before, LatticeState after) => _work.Writer.TryWrite(new Changed(before, after));

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var buckets = await SharedBuckets.OpenAsync(connection, host.Lattice, host.NatsUrl, log, stoppingToken);
        if (buckets is null) return;
        _buckets = buckets;
        log.LogInformation("NATS bridge: sharing links and configs through {Data} and {Config}", buckets.Data.Bucket, buckets.Config.Bucket);
        Task[] feeders = [WatchAsync(buckets.Data, Bucket.Data, stoppingToken), WatchAsync(buckets.Config, Bucket.Config, stoppingToken), TickAsync(stoppingToken)];
        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
            {
                try { await HandleAsync(work, stoppingToken); }
                catch (Exception e) when (e is not OutOfMemoryException && !stoppingToken.IsCancellationRequested)
                {
                    // Whatever was half done is redone by the reconciliation at the next leader check.
                    log.LogWarning("NATS bridge: shared buckets: {Message}; reconciling again", BridgeHost.Reason(e));
                    _leading = false;
                }
            }
        }
        finally { await Task.WhenAll(feeders); }
    }

    private async Task HandleAsync(Work work, CancellationToken cancellationToken)
    {
        var runtime = await host.RuntimeAsync(cancellationToken);
        if (work is Resync) _leading = false;
        // While NATS is away nothing can be read or written: reconcile once it is back (the watch may have missed entries).
        if (!IsLeader(runtime.System) || connection.ConnectionState != NatsConnectionState.Open)
        {
            _leading = false;
            return;
        }
        if (!_leading)
        {
            await ReconcileAsync(runtime.Client, cancellationToken);
            _leading = true;
        }
        switch (work)
        {
            case Changed c when c.After.Version > _state.Version:
                // After a reconciliation, _state is newer than this change's start and already written.
                var from = _state.Version > c.Before.Version ? _state : c.Before;
                _state = c.After;
                await WriteAsync(from, c.After, cancellationToken);
                break;
            case Stored { Bucket: Bucket.Data } s:
                await ApplyComponentAsync(s.Entry, cancellationToken);
                break;
            case Stored { Bucket: Bucket.Config } s:
                await ApplyConfigAsync(s.Entry, cancellationToken);
                break;
        }
    }

    private static bool IsLeader(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        return cluster.State.Leader == cluster.SelfAddress;
    }

    // ---- our side → buckets -------------------------------------------------------------------

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

    // ---- buckets → our side -------------------------------------------------------------------

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

    // ---- reconciliation -------------------------------------------------------------------------

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

    private async Task WatchAsync(INatsKVStore store, Bucket bucket, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var entry in store.WatchAsync<byte[]>(opts: new NatsKVWatchOpts { UpdatesOnly = true }, cancellationToken: cancellationToken))
                    _work.Writer.TryWrite(new Stored(bucket, entry));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (connection.ConnectionState == NatsConnectionState.Open)
                    log.LogWarning("NATS bridge: watching {Bucket}: {Message}; watching again", store.Bucket, BridgeHost.Reason(e));
                try { await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken); }
                catch (OperationCanceledException) { return; }
            }
            _work.Writer.TryWrite(Resync.Instance); // entries may have been missed between two watches
        }
    }

    /// <summary>A bridge that becomes leader acts without waiting for a change.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LeaderCheck);
        _work.Writer.TryWrite(Tick.Instance);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) _work.Writer.TryWrite(Tick.Instance);
        }
        catch (OperationCanceledException) { }
    }

    private abstract record Work;

    private sealed record Changed(LatticeState Before, LatticeState After) : Work;

    private sealed record Stored(Bucket Bucket, NatsKVEntry<byte[]> Entry) : Work;

    private sealed record Tick : Work
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Resync : Work
    {
        public static readonly Resync Instance = new();
    }
}
