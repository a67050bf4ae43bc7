// The owner of the lattice's desired state: a persistent actor run as a cluster singleton.
//
// Commands from any host arrive through the singleton proxy; each is decided by LatticeState (plain
// C#), its events are persisted to the lattice journal, and only then applied and acknowledged, so
// whatever the user was told is saved survives any host loss and a full restart. Every change is
// published to all hosts (their LatticeView), and instance entities are started or retired so the
// running set matches the desired scale; remember-entities keeps them across failovers.
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Lattice.Actors.Providers;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class LatticeStateActor : ReceivePersistentActor
{
    public const string Topic = "lattice-state";
    private const int SnapshotEvery = 100;

    private readonly IActorRef _components;
    private readonly IActorRef _providers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private LatticeState _state = LatticeState.Empty;

    public LatticeStateActor(IActorRef components, IActorRef providers)
    {
        _components = components;
        _providers = providers;

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is LatticeState s) _state = s; });
        Recover<LatticeEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("lattice state recovered: {0} components, {1} links, {2} configs (version {3})",
                _state.Components.Count, _state.Links.Count, _state.Configs.Count, _state.Version);
            foreach (var spec in _state.Components.Values) Ensure(spec, 0);
            foreach (var p in _state.Providers.Keys) _providers.Tell(new EnsureProvider(p));
            Publish();
        });

        Command<GetLatticeState>(_ => Sender.Tell(new StateReply(_state)));
        Command<LatticeCommandEnvelope>(env => Handle(env.Command));
        Command<LatticeCommand>(Handle);
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning("lattice state snapshot failed: {0}", f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("deleting journaled events after a snapshot failed: {0}", f.Cause.Message));
    }

    public override string PersistenceId => "lattice-state";

    public static Props Props(IActorRef components, IActorRef providers) => Akka.Actor.Props.Create(() => new LatticeStateActor(components, providers));

    private void Handle(LatticeCommand command)
    {
        var (events, error) = _state.Decide(command);
        if (error is not null)
        {
            Sender.Tell(new CommandReply(null, error));
            return;
        }
        var before = _state;
        var sender = Sender;
        var remaining = events.Count;
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (--remaining > 0) return;
            Reconcile(before, _state);
            Publish();
            sender.Tell(new CommandReply(_state, null));
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
        });
    }

    /// <summary>Starts instances the new state wants and retires those it no longer does.</summary>
    private void Reconcile(LatticeState before, LatticeState after)
    {
        foreach (var old in before.Components.Values)
        {
            var keep = after.Components.TryGetValue(old.Id, out var now) && now.ArtifactSha256 == old.ArtifactSha256 ? now.Instances : 0;
            for (var i = keep; i < old.Instances; i++) _components.Tell(new RetireInstance(old.EntityId(i)));
        }
        foreach (var spec in after.Components.Values) Ensure(spec, 0);
        foreach (var (id, old) in before.Providers)
            if (!after.Providers.TryGetValue(id, out var now) || now != old) _providers.Tell(new RetireProvider(id));
        foreach (var id in after.Providers.Keys) _providers.Tell(new EnsureProvider(id));
    }

    private void Ensure(ComponentSpec spec, int from)
    {
        for (var i = from; i < spec.Instances; i++) _components.Tell(new EnsureInstance(spec.EntityId(i)));
    }

    private void Publish() =>
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(Topic, new LatticeStateChanged(_state)));
}
