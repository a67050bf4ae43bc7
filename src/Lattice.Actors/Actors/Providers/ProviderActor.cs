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
    private LatticeState _state = LatticeState.Empty;
    private ProviderLinks? _links;
    private (string Kind, IReadOnlyDictionary<string, string> Config)? _opened;

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
        _state = reply.State;
        _opened = (spec.Kind, reply.State.MergedConfig(spec.ConfigNames));
        string? problem = null;
        if (_catalog.ByKind(spec.Kind) is not { } kind) problem = $"this host has no provider kind '{spec.Kind}'";
        else
        {
            try
            {
                _backend = kind.Open(new ProviderContext(_providerId, reply.State.MergedConfig(spec.ConfigNames), _host.Options) { Calls = _host.Calls, Warn = _log.Warning });
                _log.Info("provider {0} ({1}) ready", _providerId, spec.Kind);
            }
            catch (Exception e)
            {
                problem = $"provider '{_providerId}' cannot start: {e.Message}";
            }
        }
        Become(() =>
        {
            Receive<ProviderInvoke>(m => Sender.Tell(problem is null ? Handle(m) : ProviderResult.Fail(problem)));
            Receive<EnsureProvider>(_ => { });
            Receive<RetireProvider>(_ => Context.Parent.Tell(new Passivate(PoisonPill.Instance)));
            Receive<StateReply>(r =>
            {
                if (r.State.Version < _state.Version) return;
                if (Reconfigured(r.State))
                {
                    // `config put` on the provider's config (or a new kind): open the backend again with it,
                    // as a restarted provider would (a listener moves to its new address).
                    _log.Info("provider {0} reconfigured, reopening", _providerId);
                    _backend?.Dispose();
                    _backend = null;
                    _links = null;
                    TryStart(r);
                    return;
                }
                _state = r.State;
                if (problem is null) TellLinks();
            });
        });
        if (problem is not null) _log.Warning(problem);
        else TellLinks();
        Stash.UnstashAll();
    }

    private bool Reconfigured(LatticeState state) =>
        state.Providers.TryGetValue(_providerId, out var spec) && _opened is { } opened
        && (spec.Kind != opened.Kind || !SameConfig(state.MergedConfig(spec.ConfigNames), opened.Config));

    private static bool SameConfig(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Hands the backend its links when they differ from what it last saw.</summary>
    private void TellLinks()
    {
        if (_backend is not IObservesLinks observer) return;
        var links = ProviderLinks.Of(_providerId, _state);
        if (_links is { } seen && Same(seen, links)) return;
        _links = links;
        try { observer.LinksChanged(links); }
        catch (Exception e) { _log.Warning("provider {0} could not apply its links: {1}", _providerId, e.Message); }
    }

    private static bool Same(ProviderLinks a, ProviderLinks b) => Same(a.AsSource, b.AsSource) && Same(a.AsTarget, b.AsTarget);

    private static bool Same(IReadOnlyList<ProviderLink> a, IReadOnlyList<ProviderLink> b) =>
        a.Count == b.Count && a.Zip(b, Same).All(same => same);

    private static bool Same(ProviderLink a, ProviderLink b) =>
        a.PeerId == b.PeerId && a.Name == b.Name && a.Interfaces.SequenceEqual(b.Interfaces) && SameConfig(a.Config, b.Config);

    private ProviderResult Handle(ProviderInvoke invoke)
    {
        var request = invoke.Request;
        var link = _state.Links.FirstOrDefault(l => l.Source == invoke.SourceId && l.Target == _providerId && l.Name == invoke.LinkName);
        var context = link is null ? new ProviderLink(invoke.SourceId, invoke.LinkName, [], new Dictionary<string, string>())
            : ProviderLink.From(link, _state, asSource: false);
        try { return _backend!.Handle(request, context); }
        catch (Exception e) { return ProviderResult.Fail($"{_providerId}: {request.Operation} failed: {e.Message}"); }
    }
}

/// <summary>Routes provider messages by provider id.</summary>
internal sealed class ProviderMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IProviderMessage)?.ProviderId;
}
