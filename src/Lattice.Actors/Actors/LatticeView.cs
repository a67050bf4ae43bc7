// Each host's read copy of the lattice state, for routing and instance start-up without a network
// hop. Fed by the state singleton's publications; asks the singleton once at start (and again on
// a gap) so a host that joins late is not blind until the next change.
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class LatticeView : ReceiveActor, IWithTimers
{
    private readonly IActorRef _stateProxy;
    private LatticeState _state = LatticeState.Empty;
    private bool _loaded;

    private readonly Action<LatticeState> _onChange;

    public LatticeView(IActorRef stateProxy, Action<LatticeState> onChange)
    {
        _stateProxy = stateProxy;
        _onChange = onChange;
        Receive<LatticeStateChanged>(c => Update(c.State));
        Receive<StateReply>(r => Update(r.State));
        Receive<SubscribeAck>(_ => { });
        Receive<Refresh>(_ => _stateProxy.Tell(GetLatticeState.Instance));
        Receive<RefreshNow>(_ => _stateProxy.Tell(GetLatticeState.Instance));
        Receive<Listen>(l =>
        {
            _listeners.Add(l.Listener);
            Context.Watch(l.Listener); // instances come and go: forget them when they stop
            if (_loaded) l.Listener.Tell(new StateReply(_state));
        });
        Receive<Terminated>(t => _listeners.Remove(t.ActorRef));
    }

    private readonly HashSet<IActorRef> _listeners = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef stateProxy, Action<LatticeState> onChange) => Akka.Actor.Props.Create(() => new LatticeView(stateProxy, onChange));

    protected override void PreStart()
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(LatticeStateActor.Topic, Self));
        _stateProxy.Tell(GetLatticeState.Instance);
        // Until the singleton answers (it may still be recovering or moving), keep asking.
        Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.FromSeconds(1));
    }

    private void Update(LatticeState state)
    {
        if (state.Version < _state.Version && _loaded) return; // an older publication overtaken by a newer one
        _state = state;
        _onChange(state);
        foreach (var l in _listeners) l.Tell(new StateReply(state));
        if (!_loaded)
        {
            _loaded = true;
            Timers.Cancel("refresh");
            Timers.StartPeriodicTimer("refresh", Refresh.Instance, TimeSpan.FromSeconds(5)); // heals lost publications
        }
    }

    private sealed record Refresh
    {
        public static readonly Refresh Instance = new();
    }

    /// <summary>Asks the singleton now (an instance found its component missing: the view may be behind).</summary>
    internal sealed record RefreshNow
    {
        public static readonly RefreshNow Instance = new();
    }

    /// <summary>Local actors (the router) that want every new state pushed to them.</summary>
    internal sealed record Listen(IActorRef Listener);

}
