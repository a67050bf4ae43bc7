using Akka.Actor;
using Lattice.Model;
using Lattice.Wasm;

namespace Lattice.Actors.Providers;

/// <summary>
/// A bound interface's way to its provider: the calling component's link for the interface names the
/// provider (read from the current view on every request); the request goes to that provider's
/// entity wherever it runs. A target that is neither a provider nor a component of this lattice goes
/// to the host's <see cref="IExternalLinks"/> when it has one (the NATS bridge: a wasmCloud provider
/// over wRPC). No link, or a target nothing can reach, is an error result the binding turns into the
/// interface's own error type.
/// </summary>
internal sealed class LinkChannel(string componentId, WitInterfaceName iface, Func<LatticeState> state, IActorRef providers) : IProviderChannel
{
    public ProviderResult Send(HostCall call, ProviderRequest request)
    {
        var current = state();
        var link = current.Resolve(componentId, iface);
        if (link is null)
            return ProviderResult.Fail($"{componentId} has no link for {iface.Namespace}:{iface.Package}/{iface.Interface} (deny by default)");
        if (!current.Providers.ContainsKey(link.Target))
        {
            return !current.Components.ContainsKey(link.Target) && ExternalLinks.Current is { } external
                ? SendExternal(external, call, link, request)
                : ProviderResult.Fail($"link target '{link.Target}' is not a provider of this lattice");
        }
        var timeout = Remaining(call, request);
        try
        {
            // The calling instance's pinned thread waits; nobody else shares it.
            return providers.Ask<ProviderResult>(new ProviderInvoke(link.Target, request, componentId, link.Name), timeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            throw new TimeoutException($"provider '{link.Target}' did not answer {request.Operation} within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>A target outside the lattice: waits for the host's external links within the call's deadline.</summary>
    private ProviderResult SendExternal(IExternalLinks external, HostCall call, LinkDefinition link, ProviderRequest request)
    {
        var timeout = Remaining(call, request);
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            return external.SendAsync(new ExternalProviderCall(componentId, link.Target, link.Name, iface, request, timeout), deadline.Token)
                .GetAwaiter().GetResult();
        }
        catch (ExternalCallException e)
        {
            return ProviderResult.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"'{link.Target}' did not answer {request.Operation} within {timeout.TotalSeconds:0.#} s");
        }
    }

    private TimeSpan Remaining(HostCall call, ProviderRequest request)
    {
        var timeout = call.Store.RemainingCallTime;
        if (timeout <= TimeSpan.Zero) throw new TimeoutException($"{iface}: the call deadline has passed before {request.Operation}");
        return timeout;
    }
}
