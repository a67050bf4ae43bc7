// Which instances exist and how busy each is, as seen from this host: shared by the router actor
// (which keeps it current from registrations, announcements and watches) and by the callers on this
// host (LatticeClient, linked imports), which pick an instance and send to it directly, without a
// hop through the router. A lock guards it: the critical sections are a few dictionary operations.
using Akka.Actor;
using Lattice.Model;

namespace Lattice.Actors;

internal sealed class InstanceDirectory(int queuePerInstance)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<Entry>> _known = [];
    private readonly Dictionary<string, int> _inFlight = [];
    private readonly Dictionary<string, int> _next = [];

    public sealed class Entry(string entityId, IActorRef actor, bool isLocal)
    {
        public string EntityId { get; } = entityId;
        public IActorRef Actor { get; } = actor;
        public bool IsLocal { get; } = isLocal;
        public int InFlight { get; set; }
    }

    /// <summary>One call's hold on an instance and on the component's budget; give it back with <see cref="Release"/>.</summary>
    public readonly record struct Lease(string ComponentId, Entry? Instance, IActorRef Target, string EntityId);

    public bool Add(string componentId, string entityId, IActorRef instance, bool isLocal)
    {
        lock (_gate)
        {
            if (!_known.TryGetValue(componentId, out var list)) _known[componentId] = list = [];
            if (list.Any(k => k.Actor.Equals(instance))) return false;
            list.Add(new Entry(entityId, instance, isLocal));
            return true;
        }
    }

    public void Remove(IActorRef instance)
    {
        lock (_gate)
            foreach (var list in _known.Values) list.RemoveAll(l => l.Actor.Equals(instance));
    }

    /// <summary>Forgets every instance on the host at <paramref name="address"/> (it became unreachable).</summary>
    public void RemoveAt(Address address)
    {
        lock (_gate)
            foreach (var list in _known.Values) list.RemoveAll(l => !l.IsLocal && l.Actor.Path.Address == address);
    }

    public IReadOnlyList<InventoryEntry> Local()
    {
        lock (_gate)
            return _known.SelectMany(kv => kv.Value.Where(k => k.IsLocal).Select(l => new InventoryEntry(kv.Key, l.EntityId)))
                .OrderBy(e => e.EntityId).ToList();
    }

    /// <summary>
    /// Picks the instance for <paramref name="call"/>: a local one if any (least busy), else the least
    /// busy remote one, else round-robin through <paramref name="region"/>; or why the call cannot be made.
    /// </summary>
    public (Lease Lease, InvokeReply? Failure) Reserve(LatticeState state, InvokeJson call, IActorRef region)
    {
        if (!state.Components.TryGetValue(call.ComponentId, out var spec))
            return (default, InvokeReply.Fail(CallFailureKind.NotFound, $"no component '{call.ComponentId}' in the lattice"));
        if (spec.Instances == 0)
            return (default, InvokeReply.Fail(CallFailureKind.NotFound, $"component '{call.ComponentId}' is scaled to 0 instances"));
        lock (_gate)
        {
            var inFlight = _inFlight.GetValueOrDefault(call.ComponentId);
            if (inFlight >= spec.Instances * (1 + queuePerInstance))
                return (default, InvokeReply.Fail(CallFailureKind.Overloaded,
                    $"component '{call.ComponentId}' is overloaded: {inFlight} calls in flight for {spec.Instances} instance(s)"));
            _inFlight[call.ComponentId] = inFlight + 1;
            if (_known.TryGetValue(call.ComponentId, out var known) && known.Count > 0)
            {
                var chosen = known.Where(k => k.IsLocal).MinBy(k => k.InFlight) ?? known.MinBy(k => k.InFlight)!;
                chosen.InFlight++;
                return (new Lease(call.ComponentId, chosen, chosen.Actor, chosen.EntityId), null);
            }
            var i = _next.GetValueOrDefault(call.ComponentId);
            _next[call.ComponentId] = i + 1;
            return (new Lease(call.ComponentId, null, region, spec.EntityId(i % spec.Instances)), null);
        }
    }

    public void Release(Lease lease)
    {
        lock (_gate)
        {
            if (_inFlight.TryGetValue(lease.ComponentId, out var n)) _inFlight[lease.ComponentId] = Math.Max(0, n - 1);
            if (lease.Instance is { } instance) instance.InFlight = Math.Max(0, instance.InFlight - 1);
        }
    }

    /// <summary>Sends the call and returns the reply (a typed timeout if none comes); releases the lease.</summary>
    public async Task<InvokeReply> CallAsync(Lease lease, InvokeJson call, CancellationToken cancellationToken = default)
    {
        try
        {
            if (lease.Instance is { IsLocal: true })
            {
                // Same host: the instance completes our promise itself. No temporary actor, no
                // registration in the temp-actor container; continuations run on the thread pool,
                // never inline on the instance's pinned thread (which would then run the caller's code).
                var local = new LocalInvoke(lease.EntityId, call, new TaskCompletionSource<InvokeReply>(TaskCreationOptions.RunContinuationsAsynchronously));
                lease.Target.Tell(local, ActorRefs.NoSender);
                try { return await local.Reply.Task.WaitAsync(call.Timeout, cancellationToken); }
                catch (TimeoutException) { return TimedOut(lease, call); }
            }
            try { return await lease.Target.Ask<InvokeReply>(new InstanceInvoke(lease.EntityId, call), call.Timeout, cancellationToken); }
            catch (AskTimeoutException) { return TimedOut(lease, call); }
        }
        finally
        {
            Release(lease);
        }
    }

    private static InvokeReply TimedOut(Lease lease, InvokeJson call) =>
        InvokeReply.Fail(CallFailureKind.Timeout, $"no answer from '{call.ComponentId}' ({lease.EntityId}) within {call.Timeout.TotalSeconds:0.#} s");
}
