// This host's entry point for calls: picks an instance and bounds the queue.
//
// Placement of instances belongs to cluster sharding; the router only chooses among them. Instances
// register with the router of the host they run on, so a call finds a local instance without any
// network hop and without the shard region (same-host calls skip the network); the least busy local
// instance wins. With no local instance, calls go round-robin through the component shard region to
// whichever host owns each instance. Every component has a bounded budget of calls in flight through
// this router (instances × (1 + queue-per-instance)); past it a call fails fast as "overloaded"
// instead of queueing without limit.
using Akka.Actor;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class InvocationRouter : ReceiveActor, IWithTimers
{
    private readonly Dictionary<long, Pending> _pending = [];
    private long _lastCallId;

    private sealed record Pending(string ComponentId, Local? Local);

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly IActorRef _view;
    private readonly int _queuePerInstance;
    private readonly Dictionary<string, List<Local>> _local = [];
    private readonly Dictionary<string, int> _inFlight = [];
    private readonly Dictionary<string, int> _next = [];
    private IActorRef _region = ActorRefs.Nobody;
    private LatticeState _state = LatticeState.Empty;

    private sealed class Local(string entityId, IActorRef actor)
    {
        public string EntityId { get; } = entityId;
        public IActorRef Actor { get; } = actor;
        public int InFlight { get; set; }
    }

    public InvocationRouter(IActorRef view, int queuePerInstance)
    {
        _view = view;
        _queuePerInstance = queuePerInstance;
        Receive<UseRegion>(u => _region = u.Region);
        Receive<StateReply>(r => { if (r.State.Version >= _state.Version) _state = r.State; });
        Receive<RegisterInstance>(r =>
        {
            if (!_local.TryGetValue(r.ComponentId, out var list)) _local[r.ComponentId] = list = [];
            list.Add(new Local(r.EntityId, r.Instance));
            Context.Watch(r.Instance);
        });
        Receive<UnregisterInstance>(u => Remove(u.Instance));
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<InvokeJson>(Route);
        Receive<CallDone>(d =>
        {
            if (!_pending.Remove(d.CallId, out var p)) return; // already counted (answer and expiry race)
            Timers.Cancel(d.CallId);
            if (_inFlight.TryGetValue(p.ComponentId, out var n)) _inFlight[p.ComponentId] = Math.Max(0, n - 1);
            if (p.Local is not null) p.Local.InFlight = Math.Max(0, p.Local.InFlight - 1);
        });
        Receive<GetInventory>(_ => Sender.Tell(new InventoryReply(
            _local.SelectMany(kv => kv.Value.Select(l => new InventoryEntry(kv.Key, l.EntityId))).OrderBy(e => e.EntityId).ToList())));
    }

    public static Props Props(IActorRef view, int queuePerInstance) =>
        Akka.Actor.Props.Create(() => new InvocationRouter(view, queuePerInstance));

    protected override void PreStart() => _view.Tell(new LatticeView.Listen(Self));

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
        Local? local = null;
        if (_local.TryGetValue(call.ComponentId, out var locals) && locals.Count > 0)
        {
            local = locals.MinBy(l => l.InFlight)!;
            local.InFlight++;
            target = local.Actor;
            entityId = local.EntityId;
        }
        else
        {
            var i = _next.GetValueOrDefault(call.ComponentId);
            _next[call.ComponentId] = i + 1;
            target = _region;
            entityId = spec.EntityId(i % spec.Instances);
        }

        var id = ++_lastCallId;
        _pending[id] = new Pending(call.ComponentId, local);
        target.Forward(new InstanceInvoke(entityId, call, id, Self));
        // If the instance never answers (its host died mid-call), the caller's ask times out on its
        // own; this returns the call's share of the budget.
        Timers.StartSingleTimer(id, new CallDone(id), call.Timeout + TimeSpan.FromSeconds(1));
    }

    private void Remove(IActorRef actor)
    {
        foreach (var list in _local.Values) list.RemoveAll(l => l.Actor.Equals(actor));
    }

    internal sealed record UseRegion(IActorRef Region);
}
