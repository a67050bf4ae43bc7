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
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Lattice.Node.Bridge.SharedState;

internal sealed partial class SharedStateMirror(INatsConnection connection, BridgeHost host, ILogger log)
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
