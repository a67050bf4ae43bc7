// This host's entry point for calls: picks an instance and bounds the queue.
//
// Placement of instances belongs to cluster sharding; the router only chooses among them. Instances
// register with the router of the host they run on, and announce themselves to every other host's
// router (DistributedPubSub), so a router knows the actor of every instance: a call goes straight to
// a local instance if there is one (no network hop, no shard region), otherwise straight to the
// least busy remote instance (one network hop, like a plain remote ask, instead of region -> remote
// region -> shard -> entity). Until a router has heard of any instance of a component (it just
// started), calls go round-robin through the shard region. Instances on a host that becomes
// unreachable are set aside at once (calls go to the others, no waiting for a dead host's answer),
// asked to announce themselves again if it comes back, and dropped when the remote watch fires. Every component has a bounded budget of calls in flight
// through this router (instances × (1 + queue-per-instance)); past it a call fails fast as
// "overloaded" instead of queueing without limit. The choice itself lives in InstanceDirectory, which
// callers on this host (LatticeClient) also use directly, skipping this actor.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class InvocationRouter : ReceiveActor
{
    private readonly IActorRef _view;
    private readonly InstanceDirectory _directory;
    private readonly Address _self = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
    private IActorRef _region = ActorRefs.Nobody;
    private LatticeState _state = LatticeState.Empty;

    public InvocationRouter(IActorRef view, InstanceDirectory directory)
    {
        _view = view;
        _directory = directory;
        Receive<UseRegion>(u => _region = u.Region);
        Receive<StateReply>(r => { if (r.State.Version >= _state.Version) _state = r.State; });
        Receive<RegisterInstance>(r => Add(r.ComponentId, r.EntityId, r.Instance, isLocal: true));
        Receive<InstanceAnnounce>(a =>
        {
            if (a.Instance.Path.Address.HasLocalScope || a.Instance.Path.Address == _self) return; // our own: registered directly
            if (a.Up) Add(a.ComponentId, a.EntityId, a.Instance, isLocal: false);
            else _directory.Remove(a.Instance);
        });
        Receive<SubscribeAck>(_ => { });
        Receive<UnregisterInstance>(u => _directory.Remove(u.Instance));
        Receive<Terminated>(t => _directory.Remove(t.ActorRef));
        Receive<ClusterEvent.UnreachableMember>(u => _directory.RemoveAt(u.Member.Address));
        Receive<ClusterEvent.ReachableMember>(_ =>
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(AnnounceRequest.Topic, AnnounceRequest.Instance)));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<InvokeJson>(call =>
        {
            var (lease, failure) = _directory.Reserve(_state, call, _region);
            if (failure is not null) Sender.Tell(failure);
            else _directory.CallAsync(lease, call).PipeTo(Sender);
        });
        Receive<GetInventory>(_ => Sender.Tell(new InventoryReply(_directory.Local())));
    }

    public static Props Props(IActorRef view, InstanceDirectory directory) =>
        Akka.Actor.Props.Create(() => new InvocationRouter(view, directory));

    protected override void PreStart()
    {
        _view.Tell(new LatticeView.Listen(Self));
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(InstanceAnnounce.Topic, Self));
        mediator.Tell(new Publish(AnnounceRequest.Topic, AnnounceRequest.Instance)); // learn of instances started before us
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));
    }

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void Add(string componentId, string entityId, IActorRef instance, bool isLocal)
    {
        if (_directory.Add(componentId, entityId, instance, isLocal)) Context.Watch(instance);
    }

    internal sealed record UseRegion(IActorRef Region);
}
