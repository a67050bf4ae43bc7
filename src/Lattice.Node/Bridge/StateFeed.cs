// Who publishes which lattice event. Every change of the desired state is published exactly once:
//  - a change made through the control interface is published by the bridge that handled the
//    request (as on wasmCloud, where the host that handled it publishes; wash waits for events
//    whose source is the host it asked), which then claims the state version it produced;
//  - any other change (admin API, `lattice` CLI) is published by the bridge of the cluster leader,
//    from the difference between two states, after a grace period in which a claim for that version
//    withdraws it. Changes made while the leader runs no bridge are not published.
// One actor per bridge: it follows the state singleton's publications and the claims of every
// bridge, which travel over Akka's DistributedPubSub as strings (Akka serializes those itself).
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

    private const string ClaimTopic = "lattice-nats-bridge";
    private const string ClaimPrefix = "nats-bridge-handled ";

    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly Queue<(LatticeState From, LatticeState To, DateTime Due)> _pending = new();
    private readonly HashSet<long> _handled = [];
    private LatticeState _last;
    private long _processed;

    /// <param name="baseline">The state when the bridge started: what happened before is not news.</param>
    /// <param name="everyChange">Called at once for every change, published or not (the shared-bucket mirror writes them all).</param>
    public StateFeed(LatticeState baseline, Action<LatticeState, LatticeState> publishDiff, Action<LatticeState, LatticeState>? everyChange = null)
    {
        _last = baseline;
        _processed = baseline.Version;
        Receive<LatticeStateChanged>(c =>
        {
            if (c.State.Version <= _last.Version) return; // a republication (the singleton moved) or an overtaken one
            _pending.Enqueue((_last, c.State, DateTime.UtcNow + Grace));
            everyChange?.Invoke(_last, c.State);
            _last = c.State;
        });
        Receive<string>(text =>
        {
            if (text.StartsWith(ClaimPrefix, StringComparison.Ordinal) && long.TryParse(text.AsSpan(ClaimPrefix.Length), out var version) && version > _processed)
                _handled.Add(version);
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

    public static Props Props(LatticeState baseline, Action<LatticeState, LatticeState> publishDiff, Action<LatticeState, LatticeState>? everyChange = null) =>
        Akka.Actor.Props.Create(() => new StateFeed(baseline, publishDiff, everyChange));

    protected override void PreStart()
    {
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(StateTopic, Self));
        mediator.Tell(new Subscribe(ClaimTopic, Self));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Tells every bridge (this one included) that this one published the change that made <paramref name="version"/>.</summary>
    public static void Claim(ActorSystem system, long version) =>
        DistributedPubSub.Get(system).Mediator.Tell(new Publish(ClaimTopic, ClaimPrefix + version));

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
