// Who publishes which lattice event. Every change of the desired state is published exactly once:
//  - a change made through the control interface is published by the bridge that handled the
//    request (as on wasmCloud, where the host that handled it publishes; wash waits for events
//    whose source is the host it asked), which then sends a BridgeNote with the state version;
//  - any other change (admin API, `lattice` CLI) is published by the bridge of the cluster leader,
//    from the difference between two states, after a grace period in which a note for that version
//    withdraws it. Changes made while the leader runs no bridge are not published.
// One actor per bridge: it follows the state singleton's publications and the notes of every bridge.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Bridge;

internal sealed class StateFeed : ReceiveActor, IWithTimers
{
    /// <summary>The state singleton's topic (Lattice.Actors' LatticeStateActor.Topic, internal there).</summary>
    public const string StateTopic = "lattice-state";

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly Queue<(LatticeState From, LatticeState To, DateTime Due)> _pending = new();
    private readonly HashSet<long> _handled = [];
    private LatticeState _last;
    private long _processed;

    /// <param name="baseline">The state when the bridge started: what happened before is not news.</param>
    public StateFeed(LatticeState baseline, Action<LatticeState, LatticeState> publishDiff, Action<BridgeNote> onNote)
    {
        _last = baseline;
        _processed = baseline.Version;
        Receive<LatticeStateChanged>(c =>
        {
            if (c.State.Version <= _last.Version) return; // a republication (the singleton moved) or an overtaken one
            _pending.Enqueue((_last, c.State, DateTime.UtcNow + Grace));
            _last = c.State;
        });
        Receive<string>(text =>
        {
            if (BridgeNote.Parse(text) is not { } note) return;
            onNote(note);
            if (note.Version > _processed) _handled.Add(note.Version);
        });
        Receive<Tick>(_ =>
        {
            while (_pending.TryPeek(out var p) && p.Due <= DateTime.UtcNow)
            {
                _pending.Dequeue();
                var handledByCtl = true;
                for (var v = p.From.Version + 1; v <= p.To.Version; v++) handledByCtl &= _handled.Contains(v);
                if (!handledByCtl && IsLeader()) publishDiff(p.From, p.To);
                _processed = Math.Max(_processed, p.To.Version);
            }
            _handled.RemoveWhere(v => v <= _processed);
        });
        Receive<SubscribeAck>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LatticeState baseline, Action<LatticeState, LatticeState> publishDiff, Action<BridgeNote> onNote) =>
        Akka.Actor.Props.Create(() => new StateFeed(baseline, publishDiff, onNote));

    protected override void PreStart()
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(StateTopic, Self));
        mediator.Tell(new Subscribe(BridgeNote.Topic, Self));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Tells every bridge (this one included) about a change this bridge carried out.</summary>
    public static void Announce(ActorSystem system, BridgeNote note) =>
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(BridgeNote.Topic, note.ToMessage()));

    private bool IsLeader()
    {
        var cluster = Cluster.Get(Context.System);
        return cluster.State.Leader == cluster.SelfAddress;
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
