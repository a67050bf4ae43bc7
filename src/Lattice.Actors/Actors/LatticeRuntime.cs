// Starts the lattice on one host's actor system: journal warm-up, this host's view and router, the
// component shard region (instances), and the lattice-state singleton (desired state).
using Akka.Actor;
using Lattice.Model;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Persistence;
using Lattice.Actors.Providers;
using Microsoft.Data.Sqlite;

namespace Lattice.Actors;

public sealed class LatticeRuntime : IDisposable
{
    public const string ComponentRegion = "component";
    private readonly ComponentHost _host;
    private readonly IActorRef _router;

    private LatticeRuntime(ActorSystem system, ComponentHost host, IActorRef router, IActorRef stateProxy, IActorRef region)
    {
        System = system;
        _host = host;
        _router = router;
        Region = region;
        Client = new LatticeClient(system, stateProxy, host);
    }

    public ActorSystem System { get; }

    public LatticeClient Client { get; }

    /// <summary>This host's copy of the desired state as of the last change it heard of (no round trip).</summary>
    public LatticeState CurrentState => _host.CurrentState;

    /// <summary>The component shard region of this host.</summary>
    public IActorRef Region { get; }

    public const string ProviderRegion = "provider";

    public static Task<LatticeRuntime> StartAsync(ActorSystem system, LatticeHostOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(system, options, ProviderCatalog.Empty, cancellationToken);

    /// <summary>Starts the lattice on <paramref name="system"/>, able to run and bind <paramref name="providers"/>.</summary>
    public static async Task<LatticeRuntime> StartAsync(ActorSystem system, LatticeHostOptions options, ProviderCatalog providers, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        EnableWal(options);
        await WarmJournalAsync(system, cancellationToken);

        var host = new ComponentHost(options, new ArtifactStore(options), providers);
        var stateProxy = system.ActorOf(ClusterSingletonProxy.Props("/user/lattice-state", ClusterSingletonProxySettings.Create(system)), "lattice-state-proxy");
        host.View = system.ActorOf(LatticeView.Props(stateProxy, state => host.CurrentState = state), "lattice-view");
        host.Router = system.ActorOf(InvocationRouter.Props(host.View, host.Directory), "lattice-router");
        system.ActorOf(DeadCalls.Props(), "lattice-dead-calls");

        var region = await ClusterSharding.Get(system).StartAsync(ComponentRegion,
            entityId => ComponentActor.Props(entityId, host),
            ClusterShardingSettings.Create(system),
            new InstanceMessageExtractor(shardsPerComponent: 32),
            new PlacementAllocationStrategy(system, () => host.CurrentState, stateProxy),
            PoisonPill.Instance);
        host.Router.Tell(new InvocationRouter.UseRegion(region));
        host.Region = region;
        host.ProviderRegion = await ClusterSharding.Get(system).StartAsync(ProviderRegion,
            providerId => ProviderActor.Props(providerId, host, providers),
            ClusterShardingSettings.Create(system),
            new ProviderMessageExtractor(maxShards: 20));

        system.ActorOf(ClusterSingletonManager.Props(LatticeStateActor.Props(region, host.ProviderRegion), PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system)), "lattice-state");
        system.RegisterOnTermination(host.Dispose);
        return new LatticeRuntime(system, host, host.Router, stateProxy, region);
    }

    /// <summary>The providers running on this host (its entities of the provider shard region), with their kinds.</summary>
    public async Task<IReadOnlyList<ProviderInventoryEntry>> ProvidersAsync(CancellationToken cancellationToken = default)
    {
        var region = await _host.ProviderRegion.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5), cancellationToken);
        var state = _host.CurrentState;
        return region.Shards.SelectMany(s => s.EntityIds).Order(StringComparer.Ordinal)
            .Select(id => new ProviderInventoryEntry(id, state.Providers.TryGetValue(id, out var spec) ? spec.Kind : "unknown"))
            .ToList();
    }

    /// <summary>The component instances running on this host.</summary>
    public async Task<IReadOnlyList<InventoryEntry>> InventoryAsync(CancellationToken cancellationToken = default) =>
        (await _router.Ask<InventoryReply>(GetInventory.Instance, TimeSpan.FromSeconds(5), cancellationToken)).Instances;

    /// <summary>
    /// Several hosts may share one SQLite file (`lattice up --nodes`): WAL lets readers and the writer
    /// proceed together (the connection string's Default Timeout is the busy timeout). The mode sticks
    /// to the file. Nothing to do for PostgreSQL.
    /// </summary>
    private static void EnableWal(LatticeHostOptions options)
    {
        if (!options.DatabaseProvider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase)) return;
        var file = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir) Directory.CreateDirectory(dir);
        using var connection = new SqliteConnection(options.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The first use of the SQL journal costs about a second (schema creation, linq2db warm-up); if
    /// that happens inside the first shard starts they time out and back off (akka-notes §2.6). Recover
    /// a throwaway persistent actor first.
    /// </summary>
    private static async Task WarmJournalAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warm = system.ActorOf(Props.Create(() => new JournalWarmup(done)), "journal-warmup");
        try { await done.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken); }
        finally { system.Stop(warm); }
    }

    private sealed class JournalWarmup : ReceivePersistentActor
    {
        private readonly TaskCompletionSource _done;

        public JournalWarmup(TaskCompletionSource done)
        {
            _done = done;
            Recover<RecoveryCompleted>(_ => done.TrySetResult());
            CommandAny(_ => { });
        }

        public override string PersistenceId => "journal-warmup";

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _done.TrySetException(new InvalidOperationException("the lattice journal is not usable: " + reason.Message, reason));
            base.OnRecoveryFailure(reason, message);
        }
    }

    public void Dispose() => _host.Dispose();
}
