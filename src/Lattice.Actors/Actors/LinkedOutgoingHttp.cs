// wasi:http/outgoing-handler through links: a component reaches the network only through its link
// on wasi:http/outgoing-handler to a provider whose kind sends HTTP (IOutgoingHttpProvider, e.g.
// http-client), with that provider's and the link's config (an allow-list of hosts). The request
// is sent from the calling instance's own host, so bodies stream without crossing hosts; the
// provider entity only has to exist. A link to a target that is neither a provider nor a component
// of this lattice goes to the host's IExternalLinks when it has one (the NATS bridge sends it to a
// wasmCloud http-client provider over wRPC). No link, or a link to anything else: HTTP-request-denied.
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasi.Http;

namespace Lattice.Actors;

internal sealed class LinkedOutgoingHttp(string componentId, Func<LatticeState> state, ProviderCatalog catalog) : IOutgoingHttp
{
    private static readonly WitInterfaceName OutgoingHandler = WitInterfaceName.Parse("wasi:http/outgoing-handler");

    public Task<OutgoingHttpResponse> SendAsync(OutgoingHttpRequest request, CancellationToken cancellationToken)
    {
        var current = state();
        var link = current.Resolve(componentId, OutgoingHandler)
            ?? throw new HttpErrorCodeException(HttpErrorCode.RequestDenied, $"{componentId} has no link for wasi:http/outgoing-handler (deny by default)");
        if (!current.Providers.TryGetValue(link.Target, out var provider)
            && !current.Components.ContainsKey(link.Target) && ExternalLinks.Current is { } external)
            return external.SendHttpAsync(new ExternalHttpCall(componentId, link.Target, link.Name, request), cancellationToken);
        if (provider is null || catalog.ByKind(provider.Kind) is not IOutgoingHttpProvider kind)
            throw new HttpErrorCodeException(HttpErrorCode.RequestDenied, $"link target '{link.Target}' of {componentId} is not an HTTP client provider");
        var config = new Dictionary<string, string>(current.MergedConfig(provider.ConfigNames));
        foreach (var (k, v) in current.MergedConfig(link.TargetConfigNames)) config[k] = v;
        return kind.ClientFor(config).SendAsync(request, cancellationToken);
    }
}
