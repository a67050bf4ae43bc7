// A component's imports, resolved through the lattice's links at call time.
//
// Every non-WASI interface a component imports gets host functions on the instance's own linker.
// When the guest calls one, the link table decides where it goes (source component, interface,
// link name "default"): another component that exports the interface is called through the router
// (local instance first), with the values carried in their JSON form, which both sides read with
// their own WIT types. No link, or a target that cannot answer, is denied: as the function's own
// error type where it has one (`result<_, string>`, or an error variant with a string case such as
// wasi:keyvalue's `other`), otherwise as a trap with a clear message that recycles only this instance.
// Links are read from the host's current view on every call, so changing a link needs no restart.
// A target that is not a component of the lattice goes to the host's IExternalLinks when it has one
// (the NATS bridge: wRPC to a wasmCloud component or provider), else it is denied.
using System.Text.Json;
using Akka.Actor;
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Actors;

internal sealed class LinkedImports(string componentId, IActorRef router, IActorRef providers, ProviderCatalog catalog, Func<LatticeState> state)
{
    // Interfaces the host implements itself (WASI, config, logging); everything else an instance imports is linked.
    private static readonly string[] WasiHosted = ["wasi:io/", "wasi:clocks/", "wasi:random/", "wasi:cli/", "wasi:filesystem/", "wasi:sockets/", "wasi:http/", Capabilities.WasiConfig.Package, Capabilities.WasiLogging.Package];

    public void Define(ComponentLinker linker, ComponentWorld world)
    {
        foreach (var item in world.Imports)
        {
            if (WasiHosted.Any(p => item.Name.StartsWith(p, StringComparison.Ordinal))) continue;
            switch (item)
            {
                case WorldInterface iface when WitInterfaceName.TryParse(iface.Name, out var name)
                                               && catalog.ForInterface($"{name.Namespace}:{name.Package}/{name.Interface}") is { } provider:
                    // A provider's interface: its binding owns the resources, data goes to the linked provider.
                    provider.Bind(linker.Instance(iface.Name), name, new LinkChannel(componentId, name, state, providers));
                    break;
                case WorldInterface iface when WitInterfaceName.TryParse(iface.Name, out var name):
                    var target = linker.Instance(iface.Name);
                    foreach (var r in iface.Items.OfType<WorldResource>()) target.Resource(r.Name, new HostResourceType(r.Name));
                    foreach (var f in iface.Items.OfType<WorldFunction>())
                    {
                        var function = f;
                        target.Func(f.Name, (call, args) => Forward(call, iface.Name, name, function, args));
                    }
                    break;
                case WorldFunction f:
                    var rootFunction = f;
                    linker.Root.Func(f.Name, (_, _) => Deny(rootFunction.Type, $"{componentId} imports the world-level function '{rootFunction.Name}', which links cannot provide"));
                    break;
            }
        }
    }

    private WitValue? Forward(HostCall call, string importName, WitInterfaceName iface, WorldFunction function, WitValue[] args)
    {
        var link = state().Resolve(componentId, iface);
        if (link is null)
            return Deny(function.Type, $"{componentId} has no link for {iface.Namespace}:{iface.Package}/{iface.Interface} (lattice link put {componentId} TARGET {iface.Namespace}:{iface.Package}/{iface.Interface})");
        if (function.Type.Params.Any(p => p.Type is HandleType) || function.Type.Result is HandleType)
            return Deny(function.Type, $"{importName}#{function.Name} passes resource handles, which cannot cross between components yet");
        if (!state().Components.ContainsKey(link.Target))
            return ExternalLinks.Current is { } external && !state().Providers.ContainsKey(link.Target)
                ? CallExternal(external, call, link, importName, function, args)
                : Deny(function.Type, $"link target '{link.Target}' of {componentId} is not a component of this lattice");

        var json = new string[args.Length];
        for (var i = 0; i < args.Length; i++) json[i] = WitJson.ToJson(args[i], function.Type.Params[i].Type);
        var timeout = call.Store.RemainingCallTime;
        if (timeout <= TimeSpan.Zero) throw new TimeoutException($"{importName}#{function.Name}: the call deadline has passed");

        InvokeReply reply;
        try
        {
            // This thread belongs to this instance alone (pinned dispatcher), so waiting here blocks nobody else.
            reply = router.Ask<InvokeReply>(new InvokeJson(link.Target, $"{importName}#{function.Name}", json, timeout), timeout)
                .GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            throw new TimeoutException($"{link.Target} did not answer {importName}#{function.Name} within {timeout.TotalSeconds:0.#} s");
        }
        if (reply.Failure is { } failure)
            return Deny(function.Type, $"call to {link.Target} failed ({failure}): {reply.Error}");
        if (function.Type.Result is not { } resultType) return null;
        using var doc = JsonDocument.Parse(reply.Json ?? "null");
        return WitJson.FromJson(doc.RootElement, resultType);
    }

    /// <summary>A target outside the lattice: the host's <see cref="IExternalLinks"/> (wRPC over NATS) carries the call.</summary>
    private WitValue? CallExternal(IExternalLinks external, HostCall call, LinkDefinition link, string importName, WorldFunction function, WitValue[] args)
    {
        var timeout = call.Store.RemainingCallTime;
        if (timeout <= TimeSpan.Zero) throw new TimeoutException($"{importName}#{function.Name}: the call deadline has passed");
        try
        {
            // This thread belongs to this instance alone (pinned dispatcher), so waiting here blocks nobody else.
            using var deadline = new CancellationTokenSource(timeout);
            return external.CallAsync(new ExternalCall(componentId, link.Target, link.Name, importName, function.Name, function.Type, args, timeout), deadline.Token)
                .GetAwaiter().GetResult();
        }
        catch (ExternalCallException e)
        {
            return Deny(function.Type, $"call to {link.Target} failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{link.Target} did not answer {importName}#{function.Name} within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The failure as the function's own error value if its type has one, else a trap.</summary>
    private static WitValue? Deny(FunctionType type, string message)
    {
        if (type.Result is ResultType { Err: { } err })
        {
            if (err.Kind == WitKind.String) return WitValue.Err(WitValue.String(message));
            if (err is VariantType v && v.Cases.FirstOrDefault(c => c.Payload?.Kind == WitKind.String) is { } textCase)
                return WitValue.Err(WitValue.Variant(textCase.Name, WitValue.String(message)));
        }
        throw new LinkDeniedException(message);
    }
}

/// <summary>A call through an import that no link allows (or whose target failed); traps the calling instance.</summary>
public sealed class LinkDeniedException(string message) : Exception(message);
