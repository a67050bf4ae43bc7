// This host's entry point for calls: picks an instance and bounds the queue.
//
// Placement of instances belongs to cluster sharding; the router only chooses among them. Instances
// register with the router of the host they run on, and announce themselves to every other host's
// router (DistributedPubSub), so a router knows the actor of every instance: a call goes straight to
// a local instance if there is one (no network hop, no shard region), otherwise straight to the
// least busy remote instance (one network hop, like a plain remote ask, instead of region -> remote
// region -> shard -> entity). Until a router has heard of any instance of a component (it just
// started), calls go round-robin through the shard region. Instances on a host that dies are
// dropped when the remote watch fires. Every component has a bounded budget of calls in flight
// through this router (instances × (1 + queue-per-instance)); past it a call fails fast as
// "overloaded" instead of queueing without limit.
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class InvocationRouter : ReceiveActor, IWithTimers
{
    private readonly Dictionary<long, Pending> _pending = [];
    private long _lastCallId;

    private sealed record Pending(string ComponentId, Known? Instance);

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly IActorRef _view;
    private readonly int _queuePerInstance;
    private readonly Dictionary<string, List<Known>> _known = [];
    private readonly Dictionary<string, int> _inFlight = [];
    private readonly Dictionary<string, int> _next = [];
    private IActorRef _region = ActorRefs.Nobody;
    private LatticeState _state = LatticeState.Empty;

    private sealed class Known(string entityId, IActorRef actor, bool isLocal)
    {
        public string EntityId { get; } = entityId;
        public IActorRef Actor { get; } = actor;
        public bool IsLocal { get; } = isLocal;
        public int InFlight { get; set; }
    }

    public InvocationRouter(IActorRef view, int queuePerInstance)
    {
        _view = view;
        _queuePerInstance = queuePerInstance;
        Receive<UseRegion>(u => _region = u.Region);
        Receive<StateReply>(r => { if (r.State.Version >= _state.Version) _state = r.State; });
        Receive<RegisterInstance>(r => Add(r.ComponentId, r.EntityId, r.Instance, isLocal: true));
        Receive<InstanceAnnounce>(a =>
        {
            if (a.Instance.Path.Address.HasLocalScope || a.Instance.Path.Address == _self) return; // our own: registered directly
            if (a.Up) Add(a.ComponentId, a.EntityId, a.Instance, isLocal: false);
            else Remove(a.Instance);
        });
        Receive<SubscribeAck>(_ => { });
        Receive<UnregisterInstance>(u => Remove(u.Instance));
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<InvokeJson>(Route);
        Receive<CallDone>(d =>
        {
            if (!_pending.Remove(d.CallId, out var p)) return; // already counted (answer and expiry race)
            Timers.Cancel(d.CallId);
            if (_inFlight.TryGetValue(p.ComponentId, out var n)) _inFlight[p.ComponentId] = Math.Max(0, n - 1);
            if (p.Instance is not null) p.Instance.InFlight = Math.Max(0, p.Instance.InFlight - 1);
        });
        Receive<GetInventory>(_ => Sender.Tell(new InventoryReply(
            _known.SelectMany(kv => kv.Value.Where(k => k.IsLocal).Select(l => new InventoryEntry(kv.Key, l.EntityId))).OrderBy(e => e.EntityId).ToList())));
    }

    public static Props Props(IActorRef view, int queuePerInstance) =>
        Akka.Actor.Props.Create(() => new InvocationRouter(view, queuePerInstance));

    private readonly Address _self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;

    protected override void PreStart()
    {
        _view.Tell(new LatticeView.Listen(Self));
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(InstanceAnnounce.Topic, Self));
        mediator.Tell(new Publish(AnnounceRequest.Topic, AnnounceRequest.Instance)); // learn of instances started before us
    }

    private void Add(string componentId, string entityId, IActorRef instance, bool isLocal)
    {
        if (!_known.TryGetValue(componentId, out var list)) _known[componentId] = list = [];
        if (list.Any(k => k.Actor.Equals(instance))) return;
        list.Add(new Known(entityId, instance, isLocal));
        Context.Watch(instance);
    }

    private void Route(InvokeJson call)
    {
        if (!_state.Components.TryGetValue(call.ComponentId, out var spec))
        {
            Sender.Tell(InvokeReply.Fail(CallFailureKind.NotFound, $"no component '{call.ComponentId}' in the lattice"));
            return;
        }
        if (spec.Instances == 0)
        {
            Sender.Tell(InvokeReply.Fail(CallFailureKind.NotFound, $"component '{call.ComponentId}' is scaled to 0 instances"));
            return;
        }
        var inFlight = _inFlight.GetValueOrDefault(call.ComponentId);
        if (inFlight >= spec.Instances * (1 + _queuePerInstance))
        {
            Sender.Tell(InvokeReply.Fail(CallFailureKind.Overloaded,
                $"component '{call.ComponentId}' is overloaded: {inFlight} calls in flight for {spec.Instances} instance(s)"));
            return;
        }
        _inFlight[call.ComponentId] = inFlight + 1;

        IActorRef target;
        string entityId;
        Known? chosen = null;
        if (_known.TryGetValue(call.ComponentId, out var known) && known.Count > 0)
        {
            chosen = known.Where(k => k.IsLocal).MinBy(k => k.InFlight) ?? known.MinBy(k => k.InFlight)!;
            chosen.InFlight++;
            target = chosen.Actor;
            entityId = chosen.EntityId;
        }
        else
        {
            var i = _next.GetValueOrDefault(call.ComponentId);
            _next[call.ComponentId] = i + 1;
            target = _region;
            entityId = spec.EntityId(i % spec.Instances);
        }

        var id = ++_lastCallId;
        _pending[id] = new Pending(call.ComponentId, chosen);
        if (chosen is { IsLocal: true })
        {
            // Local: the instance answers the caller directly and reports back with a local message.
            target.Forward(new InstanceInvoke(entityId, call, id, Self));
            // If the instance never answers, the caller's ask times out on its own; this returns the
            // call's share of the budget.
            Timers.StartSingleTimer(id, new CallDone(id), call.Timeout + TimeSpan.FromSeconds(1));
        }
        else
        {
            // Remote (or through the region): relay the reply here, so completion costs a local hop
            // rather than a second message across the network.
            var sender = Sender;
            var self = Self;
            target.Ask<InvokeReply>(new InstanceInvoke(entityId, call), call.Timeout).ContinueWith(t =>
            {
                sender.Tell(t.IsCompletedSuccessfully ? t.Result
                    : InvokeReply.Fail(CallFailureKind.Timeout, $"no answer from '{call.ComponentId}' ({entityId}) within {call.Timeout.TotalSeconds:0.#} s"));
                self.Tell(new CallDone(id));
            }, TaskContinuationOptions.ExecuteSynchronously);
        }
    }

    private void Remove(IActorRef actor)
    {
        foreach (var list in _known.Values) list.RemoveAll(l => l.Actor.Equals(actor));
    }

    internal sealed record UseRegion(IActorRef Region);
}
