// Serves every component of the lattice's desired state over wRPC, as a wasmCloud 1.x host serves
// the components it runs (protocol spec §1.1, §1.6): each exported function on
// `{lattice}.{component id}.wrpc.0.0.1.{instance}.{function}`, queue group `{lattice}.{component id}`.
// Every host with the bridge subscribes, so NATS gives each call to one of them, and that host hands
// it to the lattice (its local instance first) with CallJsonAsync: values cross as JSON, converted
// with the function's WIT types, which come from the component's artifact.
//
// The desired state is read once a second; a component that appears is served, one that goes is no
// longer, one whose artifact changed is served again with the new types. A component exporting
// `wasi:http/incoming-handler@0.2.x` is served as `wrpc:http/incoming-handler@0.1.0.handle`, as
// wasmCloud does (Http/WrpcHttpServing.cs), and one exporting `wasi:keyvalue/watcher@0.2.0-draft`
// as `wrpc:keyvalue/watcher@0.2.0-draft` (KeyValueWatcherServing.cs). Other functions whose params or results hold resources,
// futures or streams are not served (yet); a caller gets NATS's "no responders" for them.
using System.Collections.Concurrent;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Node.Bridge.Http;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wasi.Http;
using Lattice.Wasm;
using Lattice.Wit;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Lattice.Node.Bridge;

internal sealed class ComponentServing : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly WrpcServer _server;
    private readonly LatticeClient _client;
    private readonly string _lattice;
    private readonly ILogger _log;
    private readonly WasmEngine _engine = new();
    private readonly ComponentCache _cache;
    private readonly ConcurrentDictionary<string, ComponentWorld> _worlds = new();
    private readonly Dictionary<string, Served> _served = new();
    private volatile IReadOnlySet<string> _servedIds = new HashSet<string>();

    public ComponentServing(INatsConnection nats, LatticeClient client, string lattice, ILogger log)
    {
        _server = new WrpcServer(nats, new WrpcServerOptions { Logger = log });
        _client = client;
        _lattice = lattice;
        _log = log;
        // The host's own cache directory: its precompiled artifacts load here without a compile.
        _cache = new ComponentCache(_engine, Path.Combine(client.Options.DataDirectory, "components"));
    }

    /// <summary>Follows the desired state until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        do
        {
            try { await SyncAsync(await _client.GetStateAsync(stoppingToken), stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogDebug("NATS bridge: wRPC serving: {Message}", BridgeHost.Reason(e));
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SyncAsync(LatticeState state, CancellationToken cancellationToken)
    {
        foreach (var (id, served) in _served.ToList())
        {
            if (state.Components.TryGetValue(id, out var spec) && spec.ArtifactSha256 == served.Sha) continue;
            _served.Remove(id);
            if (served.Serving is not null)
            {
                await served.Serving.DisposeAsync();
                _log.LogInformation("NATS bridge: no longer serving component {Component} over wRPC", id);
            }
        }
        foreach (var (id, spec) in state.Components)
        {
            if (_served.ContainsKey(id)) continue;
            _served[id] = new Served(spec.ArtifactSha256, await ServeAsync(spec, cancellationToken));
        }
        _servedIds = _served.Keys.ToHashSet();
    }

    /// <summary>
    /// Whether this bridge still serves <paramref name="componentId"/> over wRPC (it stops within a
    /// second of the component leaving the desired state). A call "out" to such an id would come back
    /// here: WrpcLinks refuses it instead of looping.
    /// </summary>
    public bool Serves(string componentId) => _servedIds.Contains(componentId);

    /// <summary>Subscribes the component's functions; null (logged once per artifact) when it cannot be served.</summary>
    private async Task<WrpcServing?> ServeAsync(ComponentSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var prefix = WrpcSubjects.Prefix(_lattice, spec.Id);
            var world = await WorldAsync(spec.ArtifactSha256, cancellationToken);
            var exports = Exports(spec.Id, world).ToList();
            var serving = await _server.ServeAsync(prefix, exports, queueGroup: prefix, cancellationToken);
            _log.LogInformation("NATS bridge: serving component {Component} over wRPC ({Count} functions)", spec.Id, exports.Count);
            return serving;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("NATS bridge: component {Component} is not served over wRPC: {Message}", spec.Id, BridgeHost.Reason(e));
            return null;
        }
    }

    private async Task<ComponentWorld> WorldAsync(string sha, CancellationToken cancellationToken)
    {
        if (_worlds.TryGetValue(sha, out var known)) return known;
        var bytes = await _client.Artifacts.GetAsync(sha, cancellationToken)
                    ?? throw new InvalidOperationException($"artifact {sha} is not in the artifact store");
        // Only the types are kept: the compiled code goes as soon as they are read.
        var world = await Task.Run(() =>
        {
            using var component = Load(sha, bytes);
            return component.World;
        }, cancellationToken);
        return _worlds[sha] = world;
    }

    private WasmComponent Load(string sha, byte[] bytes)
    {
        var path = _cache.ArtifactPath(sha);
        if (File.Exists(path))
        {
            try { return WasmComponent.Deserialize(_engine, path, sha); }
            catch (ComponentLoadException) { } // a stale or torn file: compile instead
        }
        return WasmComponent.Compile(_engine, bytes);
    }

    /// <summary>The functions of <paramref name="world"/> wRPC can carry, each calling the component through the lattice.</summary>
    private IEnumerable<WrpcExport> Exports(string componentId, ComponentWorld world)
    {
        // The one incoming handler the lattice calls (the first 0.2.x export with `handle`) becomes wrpc:http.
        var httpHandler = IncomingHandler.FindExport(world);
        foreach (var item in world.Exports)
        {
            if (item is WorldFunction root)
            {
                if (Export(componentId, "", root, root.Name) is { } export) yield return export;
            }
            else if (item is WorldInterface { Name: var name } && name == httpHandler)
            {
                yield return WrpcHttpServing.Export(_client, componentId, _log);
            }
            else if (item is WorldInterface { Name: KeyValueWatcherServing.Interface } watcher)
            {
                foreach (var export in KeyValueWatcherServing.Exports(_client, componentId, watcher)) yield return export;
            }
            else if (item is WorldInterface iface && !iface.Name.StartsWith("wasi:http/incoming-handler@", StringComparison.Ordinal))
            {
                foreach (var f in iface.Items.OfType<WorldFunction>())
                    if (Export(componentId, iface.Name, f, $"{iface.Name}#{f.Name}") is { } export) yield return export;
            }
        }
    }

    private WrpcExport? Export(string componentId, string instance, WorldFunction f, string callName)
    {
        var type = f.Type;
        if (!type.Params.All(p => Carried(p.Type)) || type.Result is { } r && !Carried(r)) return null;
        WrpcFunction function;
        try
        {
            function = new WrpcFunction(instance, WrpcFunction.WireName(f.Name), type.Params.Select(p => p.Type).ToList(),
                type.Result is null ? [] : [type.Result]);
        }
        catch (ArgumentException e)
        {
            _log.LogInformation("NATS bridge: {Component}'s {Function} is not served over wRPC: {Message}", componentId, callName, e.Message);
            return null;
        }
        return new WrpcExport(function, async (call, ct) =>
        {
            var args = new string[call.Params.Length];
            for (var i = 0; i < args.Length; i++) args[i] = WitJson.ToJson(call.Params[i], type.Params[i].Type);
            string json;
            try { json = await _client.CallJsonAsync(componentId, callName, args, cancellationToken: ct); }
            catch (LatticeCallException e) { throw new WrpcCallFailedException($"{e.Kind}: {e.Message}"); }
            return type.Result is null ? [] : [WitJson.FromJson(json, type.Result, "result")];
        });
    }

    /// <summary>True for a type made only of values (no resources, futures, streams or error contexts).</summary>
    private static bool Carried(WitType type) => type switch
    {
        ListType l => Carried(l.Element),
        RecordType r => r.Fields.All(f => Carried(f.Type)),
        TupleType t => t.Types.All(Carried),
        VariantType v => v.Cases.All(c => c.Payload is null || Carried(c.Payload)),
        OptionType o => Carried(o.Inner),
        ResultType r => (r.Ok is null || Carried(r.Ok)) && (r.Err is null || Carried(r.Err)),
        MapType m => Carried(m.Key) && Carried(m.Value),
        _ => type.Kind is not (WitKind.Own or WitKind.Borrow or WitKind.Future or WitKind.Stream or WitKind.ErrorContext),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var served in _served.Values)
            if (served.Serving is not null) await served.Serving.DisposeAsync();
        _served.Clear();
        await _server.DisposeAsync();
        _cache.Dispose();
        _engine.Dispose();
    }

    private sealed record Served(string Sha, WrpcServing? Serving);
}

/// <summary>The lattice refused or failed a call that came over wRPC: its kind and reason go back as the wRPC error.</summary>
internal sealed class WrpcCallFailedException(string message) : WrpcHandlerFailure(message);
