// One component instance: a sharded entity that owns one Wasmtime store.
//
// Entity id `component/index`. On start it reads its spec from the host's LatticeView, fetches the
// artifact by sha256 from the lattice's artifact store (any host can, so instances move freely on
// failover), loads it through the precompiled cache and builds a RecyclingInstance: a trap or a
// deadline recycles only this instance's store. Calls are processed one at a time (the mailbox is
// the instance's queue; the router bounds it), on a pinned thread of the component dispatcher,
// because guest code and host functions run synchronously inside the Wasmtime call.
using System.Text.Json;
using Akka.Actor;
using Lattice.Capabilities;
using Lattice.Wasi.Http;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Lattice.Model;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Actors;

internal sealed class ComponentActor : ReceiveActor, IWithStash
{
    public const string Dispatcher = "lattice.component-dispatcher";

    private readonly ComponentHost _host;
    private readonly string _entityId;
    private readonly string _componentId;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RecyclingInstance? _instance;
    private ComponentLinker? _linker;
    private LatticeState _state = LatticeState.Empty;
    private LineOutput? _stdout, _stderr;

    public ComponentActor(string entityId, ComponentHost host)
    {
        _host = host;
        _entityId = entityId;
        _componentId = InstanceId.Parse(entityId).ComponentId;
        Loading();
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(string entityId, ComponentHost host) =>
        Akka.Actor.Props.Create(() => new ComponentActor(entityId, host)).WithDispatcher(Dispatcher);

    protected override void PreStart()
    {
        _host.Router.Tell(new RegisterInstance(_componentId, _entityId, Self));
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        mediator.Tell(new Subscribe(AnnounceRequest.Topic, Self));
        Announce(up: true);
        // The view answers at once if it has a state, else as soon as it gets one, then pushes every
        // change: the first state starts the load, later ones keep links and configs current.
        _host.View.Tell(new LatticeView.Listen(Self));
    }

    protected override void PostStop()
    {
        _host.Router.Tell(new UnregisterInstance(_componentId, Self));
        Announce(up: false);
        _instance?.Dispose();
        _linker?.Dispose();
        _stdout?.Dispose();
        _stderr?.Dispose();
    }

    private void Loading()
    {
        var fetching = false;
        Receive<AnnounceRequest>(_ => Announce(up: true));
        Receive<SubscribeAck>(_ => { });
        Receive<StateReply>(r =>
        {
            // The first state starts the load; later ones (pushed because we listen) only refresh it.
            if (r.State.Version >= _state.Version) _state = r.State;
            if (fetching) return;
            fetching = true;
            if (!r.State.Components.TryGetValue(_componentId, out var spec))
            {
                // Either really gone, or this host's view is behind the command that started us
                // (publications reach a newly joined host a little later): ask for a fresh copy and
                // start as soon as a state that has the component arrives.
                _host.View.Tell(LatticeView.RefreshNow.Instance);
                Become(NotDeployed);
                Stash.UnstashAll();
                return;
            }
            _host.Artifacts.GetAsync(spec.ArtifactSha256).PipeTo(Self,
                success: bytes => bytes is null ? new LoadFailed($"artifact {spec.ArtifactSha256[..12]} is not in the lattice") : new ArtifactLoaded(spec, r.State, bytes),
                failure: e => new LoadFailed("cannot read the artifact: " + e.Message));
        });
        Receive<ArtifactLoaded>(loaded =>
        {
            try
            {
                var component = _host.Cache.Load(loaded.Bytes);
                var limits = new InstanceLimits { Timeout = loaded.Spec.Timeout ?? _host.Options.CallTimeout };
                var env = loaded.State.MergedConfig(loaded.Spec.ConfigNames);
                var config = new ComponentConfig(_componentId, () => _state);
                var redactor = new SecretRedactor(config.Current);
                _stdout = new LineOutput(line => _log.Info("[{0}] {1}", _entityId, redactor.Redact(line)));
                _stderr = new LineOutput(line => _log.Warning("[{0}] {1}", _entityId, redactor.Redact(line)));
                var wasi = new WasiContext { Args = [_componentId], Environment = env, Stdout = _stdout, Stderr = _stderr };
                _linker = _host.CreateLinker();
                WasiConfig.Define(_linker, config.Current);
                WasiLogging.Define(_linker, GuestLog, redactor);
                new LinkedImports(_componentId, _host.Router, _host.ProviderRegion, _host.Providers, () => _state).Define(_linker, component.World);
                var outgoing = new LinkedOutgoingHttp(_componentId, () => _state, _host.Providers);
                _instance = new RecyclingInstance(_linker, component, limits, store =>
                {
                    store.SetFeature(wasi);
                    WasiHttp.UseOutgoing(store, outgoing);
                });
                _log.Info("instance {0} ready ({1})", _entityId, loaded.Spec.ArtifactSha256[..12]);
                // Scale to zero: an idle instance passivates (its store is dropped); the next call
                // through the shard region starts it again.
                if (loaded.Spec.PassivateAfter is { } idle) Context.SetReceiveTimeout(idle);
                Become(Ready);
            }
            catch (ComponentException e)
            {
                Become(() => Broken(e.Message));
            }
            Stash.UnstashAll();
        });
        Receive<LoadFailed>(f =>
        {
            _log.Warning("instance {0} cannot start: {1}", _entityId, f.Reason);
            Become(() => Broken(f.Reason));
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Ready()
    {
        Receive<AnnounceRequest>(_ => Announce(up: true));
        Receive<SubscribeAck>(_ => { });
        Receive<StateReply>(r => { if (r.State.Version >= _state.Version) _state = r.State; });
        ReceiveCalls(Invoke);
        ServeHttp();
        Receive<EnsureInstance>(_ => { });
        Receive<RetireInstance>(_ => Retire());
        Receive<ReceiveTimeout>(_ =>
        {
            _log.Info("instance {0} idle, passivating", _entityId);
            Retire();
        });
    }

    private void NotDeployed()
    {
        Receive<AnnounceRequest>(_ => { });
        Receive<SubscribeAck>(_ => { });
        Receive<StateReply>(r =>
        {
            if (!r.State.Components.ContainsKey(_componentId)) return;
            Become(Loading);
            Self.Forward(r);
        });
        ReceiveCalls(_ => InvokeReply.Fail(CallFailureKind.NotFound, $"no component '{_componentId}' in the lattice"));
        RefuseHttp(503, $"no component '{_componentId}' in the lattice");
        Receive<EnsureInstance>(_ => { });
        Receive<RetireInstance>(_ => Retire());
    }

    private void Broken(string reason)
    {
        Receive<AnnounceRequest>(_ => { });
        Receive<SubscribeAck>(_ => { });
        Receive<StateReply>(_ => { });
        ReceiveCalls(_ => InvokeReply.Fail(CallFailureKind.Trap, $"instance {_entityId} cannot start: {reason}"));
        RefuseHttp(500, $"instance {_entityId} cannot start: {reason}");
        Receive<EnsureInstance>(_ => { });
        Receive<RetireInstance>(_ => Retire());
    }

    /// <summary>Tells every host's router where this instance is (or that it is gone).</summary>
    private void Announce(bool up) =>
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(InstanceAnnounce.Topic, new InstanceAnnounce(_componentId, _entityId, Self, up)));

    /// <summary>wasi:logging lines, into the host's log with the instance id; the guest's text is an argument, never the format.</summary>
    private void GuestLog(WasiLogLevel level, string context, string message)
    {
        var line = context.Length == 0 ? message : $"{context}: {message}";
        switch (level)
        {
            case WasiLogLevel.Trace or WasiLogLevel.Debug: _log.Debug("[{0}] {1}", _entityId, line); break;
            case WasiLogLevel.Info: _log.Info("[{0}] {1}", _entityId, line); break;
            case WasiLogLevel.Warn: _log.Warning("[{0}] {1}", _entityId, line); break;
            default: _log.Error("[{0}] {1}", _entityId, line); break;
        }
    }

    /// <summary>Calls from other hosts are answered to the asker; calls from this host complete the caller's promise.</summary>
    private void ReceiveCalls(Func<InvokeJson, InvokeReply> answer)
    {
        Receive<InstanceInvoke>(m => Sender.Tell(answer(m.Call)));
        Receive<LocalInvoke>(m => m.Reply.TrySetResult(answer(m.Call)));
    }

    /// <summary>HTTP requests for an instance that cannot serve: each fails with <paramref name="status"/> and <paramref name="message"/>.</summary>
    private void RefuseHttp(int status, string message)
    {
        Receive<HttpInvoke>(_ => Sender.Tell(HttpReply.Fail(status, message)));
        Receive<LocalHttpInvoke>(m =>
        {
            if (status == 503) m.Exchange.Refused(message);
            else m.Exchange.GuestFailed(new ComponentException(message));
            m.Done.TrySetResult();
        });
    }

    private void ServeHttp()
    {
        Receive<LocalHttpInvoke>(m =>
        {
            try { IncomingHandler.Handle(_instance!, m.Exchange); }
            catch (Exception e) { _log.Warning("instance {0} failed serving {1}: {2}", _entityId, m.Exchange.Request, e.Message); }
            finally { m.Done.TrySetResult(); }
        });
        Receive<HttpInvoke>(m => Sender.Tell(ServeBuffered(m)));
    }

    /// <summary>A request from another host: served here with its body in memory, answered whole.</summary>
    private HttpReply ServeBuffered(HttpInvoke request)
    {
        HttpExchange exchange;
        try { exchange = new HttpExchange(request.Head(), new MemoryStream(request.Body, writable: false)); }
        catch (ArgumentException e) { return HttpReply.Fail(400, e.Message); }
        using (exchange)
        {
            var reply = CollectAsync(exchange);
            try { IncomingHandler.Handle(_instance!, exchange); }
            catch (Exception e) { _log.Warning("instance {0} failed serving {1}: {2}", _entityId, exchange.Request, e.Message); }
            return reply.Wait(request.Timeout) ? reply.Result
                : HttpReply.Fail(504, $"{_componentId} did not finish its response within {request.Timeout.TotalSeconds:0.#} s");
        }
    }

    private static async Task<HttpReply> CollectAsync(HttpExchange exchange)
    {
        switch (await exchange.Outcome)
        {
            case HttpResponded r:
                try
                {
                    var body = await ComponentCalls.ReadBoundedAsync(r.Body, ComponentCalls.MaxCrossHostBody, CancellationToken.None);
                    if (body is null)
                    {
                        exchange.Dispose(); // the guest's further writes fail as closed instead of waiting
                        return HttpReply.Fail(502, $"response bodies over {ComponentCalls.MaxCrossHostBody / (1024 * 1024)} MiB cannot cross hosts");
                    }
                    return new HttpReply(r.Status, r.Headers.Select(h => h.Name).ToArray(), r.Headers.Select(h => h.Value).ToArray(), body, null);
                }
                catch (HttpBodyException e) { return HttpReply.Fail(500, e.Message); }
            case HttpHandlerFailed f:
                return HttpReply.Fail(f.StatusCode, f.Message, f.ErrorCode);
            default:
                return HttpReply.Fail(500, "unknown outcome");
        }
    }

    /// <summary>Passivating with remember-entities on removes the instance from the remembered set.</summary>
    private void Retire() => Context.Parent.Tell(new Passivate(PoisonPill.Instance));

    private InvokeReply Invoke(InvokeJson call)
    {
        var (iface, func) = ExportName.Parse(call.Function);
        ComponentFunction function;
        try { function = _instance!.Instance.GetFunction(iface, func); }
        catch (ExportNotFoundException e) { return InvokeReply.Fail(CallFailureKind.NotFound, e.Message); }
        catch (ComponentLinkException e) { return InvokeReply.Fail(CallFailureKind.Denied, e.Message); }
        catch (ComponentException e) { return InvokeReply.Fail(CallFailureKind.Trap, e.Message); }

        var type = function.Type;
        if (call.Args.Length != type.Params.Count)
            return InvokeReply.Fail(CallFailureKind.BadArguments, $"{call.Function} takes {type.Params.Count} argument(s) ({string.Join(", ", type.Params.Select(p => $"{p.Name}: {p.Type}"))}), got {call.Args.Length}");
        var args = new WitValue[call.Args.Length];
        // Host handles minted from names for borrow params: the instance lends them for this call only.
        var store = _instance!.Instance.Store;
        List<uint>? lent = null; // made only when a call lends one (the common call lends none)
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                using var doc = JsonDocument.Parse(call.Args[i]);
                args[i] = NamedHandle(store, doc.RootElement, type.Params[i], i, ref lent)
                          ?? WitJson.FromJson(doc.RootElement, type.Params[i].Type, $"argument {i + 1} ({type.Params[i].Name})");
            }
            var result = _instance!.Call(iface, func, args);
            return new InvokeReply(WitJson.ToJson(result, type.Result), null, null);
        }
        catch (Exception e) when (e is JsonException or FormatException) { return InvokeReply.Fail(CallFailureKind.BadArguments, e.Message); }
        catch (WitTypeMismatchException e) { return InvokeReply.Fail(CallFailureKind.BadArguments, e.Message); }
        catch (ComponentTrapException e) when (e.InnerException is LinkDeniedException) { return InvokeReply.Fail(CallFailureKind.Denied, e.InnerException.Message); }
        catch (ComponentTrapException e) { return InvokeReply.Fail(CallFailureKind.Trap, e.Message); }
        catch (ComponentException e) { return InvokeReply.Fail(CallFailureKind.Trap, e.Message); }
        finally
        {
            // A trap recycled the store (its table went with it); otherwise the borrow has ended.
            if (lent is not null)
                foreach (var rep in lent) store.Resources.Remove(rep);
        }
    }

    /// <summary>
    /// A handle param given as a string naming a host resource that can be named (a key-value bucket):
    /// the resource, made in this instance's store. An own handle is the guest's to drop; a borrow is
    /// remembered in <paramref name="lent"/>. Null for anything else, which WitJson then reads (and
    /// refuses clearly for handles).
    /// </summary>
    private WitValue? NamedHandle(ComponentStore store, JsonElement json, WitParam param, int index, ref List<uint>? lent)
    {
        if (param.Type is not HandleType handle || json.ValueKind != JsonValueKind.String) return null;
        if (_linker!.NameableResource(_instance!.Component.World, handle) is not { FromName: { } fromName } resource) return null;
        object value;
        try { value = fromName(json.GetString()!); }
        catch (ArgumentException e) { throw new FormatException($"argument {index + 1} ({param.Name}): {e.Message}"); }
        var owned = handle.Kind == WitKind.Own;
        var rep = store.Resources.Add(resource, value);
        if (!owned) (lent ??= []).Add(rep);
        return WitResource.Host(resource, rep, owned);
    }

    private sealed record ArtifactLoaded(ComponentSpec Spec, LatticeState State, byte[] Bytes);
    private sealed record LoadFailed(string Reason);
}
