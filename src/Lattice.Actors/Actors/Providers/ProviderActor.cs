// One running provider: a sharded entity (id = provider id) holding the backend its kind opens.
// Sharded and remembered like component instances, so a provider moves to a survivor when its host
// dies; its data lives in its backend (the lattice database by default), not in the actor.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Lattice.Model;

namespace Lattice.Actors.Providers;

internal sealed class ProviderActor : ReceiveActor, IWithStash
{
    private readonly string _providerId;
    private readonly ComponentHost _host;
    private readonly ProviderCatalog _catalog;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IProviderBackend? _backend;

    public ProviderActor(string providerId, ComponentHost host, ProviderCatalog catalog)
    {
        _providerId = providerId;
        _host = host;
        _catalog = catalog;
        Receive<StateReply>(TryStart);
        Receive<RetireProvider>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
        ReceiveAny(_ => Stash.Stash());
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(string providerId, ComponentHost host, ProviderCatalog catalog) =>
        Akka.Actor.Props.Create(() => new ProviderActor(providerId, host, catalog)).WithDispatcher(ComponentActor.Dispatcher);

    // The view answers at once if it has a state, else when it gets one, then pushes every change.
    protected override void PreStart() => _host.View.Tell(new LatticeView.Listen(Self));

    protected override void PostStop() => _backend?.Dispose();

    private void TryStart(StateReply reply)
    {
        if (!reply.State.Providers.TryGetValue(_providerId, out var spec))
        {
            // Gone, or this host's view is behind the command that started us: wait for a newer state.
            _host.View.Tell(LatticeView.RefreshNow.Instance);
            return;
        }
        string? problem = null;
        if (_catalog.ByKind(spec.Kind) is not { } kind) problem = $"this host has no provider kind '{spec.Kind}'";
        else
        {
            try
            {
                _backend = kind.Open(new ProviderContext(_providerId, reply.State.MergedConfig(spec.ConfigNames), _host.Options));
                _log.Info("provider {0} ({1}) ready", _providerId, spec.Kind);
            }
            catch (Exception e)
            {
                problem = $"provider '{_providerId}' cannot start: {e.Message}";
            }
        }
        Become(() =>
        {
            Receive<ProviderInvoke>(m => Sender.Tell(problem is null ? Handle(m.Request) : ProviderResult.Fail(problem)));
            Receive<EnsureProvider>(_ => { });
            Receive<RetireProvider>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
            Receive<StateReply>(_ => { });
        });
        if (problem is not null) _log.Warning(problem);
        Stash.UnstashAll();
    }

    private ProviderResult Handle(ProviderRequest request)
    {
        try { return _backend!.Handle(request); }
        catch (Exception e) { return ProviderResult.Fail($"{_providerId}: {request.Operation} failed: {e.Message}"); }
    }
}

/// <summary>Routes provider messages by provider id.</summary>
internal sealed class ProviderMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IProviderMessage)?.ProviderId;
}
