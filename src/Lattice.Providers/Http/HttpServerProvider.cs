// http-server: serves HTTP with components, as wasmCloud's http-server provider does. The provider
// is the source of links to components on wasi:http/incoming-handler; their source config says
// where (HttpRoutes). Requests stream into the chosen instance and its response streams back
// (ILatticeCalls.ServeHttpAsync). A component that traps gets its client a 500 with a short
// message, one past its deadline a 504, an overloaded or absent one a 503; the listener goes on.
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Model;
using Lattice.Wasi.Http;
using Lattice.Wasm;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Lattice.Providers.Http;

public sealed class HttpServerProvider : ICapabilityProvider
{
    public string Kind => "http-server";

    // Components do not import anything from it: it calls their export.
    public IReadOnlyList<string> Interfaces { get; } = [];

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel) { }

    public IProviderBackend Open(ProviderContext context) => new HttpServer(context);
}

internal sealed class HttpServer : IProviderBackend, IObservesLinks
{
    // Not passed to components: they are per connection or per hop, and Kestrel sets its own.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer" };

    private readonly ProviderContext _context;
    private readonly HttpListeners _listeners;
    private volatile HttpRoutes _routes = HttpRoutes.None;

    public HttpServer(ProviderContext context)
    {
        _context = context;
        _listeners = new HttpListeners(ServeAsync, context.Warn);
    }

    public ProviderResult Handle(ProviderRequest request, ProviderLink link) =>
        ProviderResult.Fail("http-server takes no requests: link it to components on wasi:http/incoming-handler");

    public void LinksChanged(ProviderLinks links)
    {
        var routes = HttpRoutes.From(links, _context.Config);
        foreach (var conflict in routes.Conflicts) _context.Warn($"{_context.ProviderId}: {conflict}");
        _routes = routes;
        _listeners.Apply(routes.Addresses);
    }

    private async Task ServeAsync(string address, HttpContext http)
    {
        var request = http.Request;
        var route = _routes.Match(address, request.Host.HasValue ? request.Host.Value : null, request.Path.Value ?? "/");
        if (route is null)
        {
            await Plain(http, 404, $"no component is routed for {request.Host}{request.Path}");
            return;
        }
        var headers = new List<HttpField>();
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name) || name.StartsWith(':')) continue;
            foreach (var value in values) if (value is not null) headers.Add(new HttpField(name.ToLowerInvariant(), value));
        }
        var head = new HttpRequestHead(request.Method, request.Scheme, request.Host.HasValue ? request.Host.Value : address,
            $"{request.PathBase}{request.Path}{request.QueryString}", headers);
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

        // Our id goes with it: a component outside the lattice (on wasmCloud) is told who asks, as wasmCloud's http-server does.
        using var answer = await _context.Calls.ServeHttpAsync(route.ComponentId, head, hasBody ? request.Body : null, _context.ProviderId, null, http.RequestAborted);
        var response = http.Response;
        response.StatusCode = answer.Status;
        foreach (var field in answer.Headers)
            if (!HopByHop.Contains(field.Name)) response.Headers.Append(field.Name, field.ValueText);
        try
        {
            await answer.Body.CopyToAsync(response.Body, http.RequestAborted);
        }
        catch (HttpBodyException e)
        {
            // Status and headers may be out already: cutting the connection is the only honest signal left.
            _context.Warn($"{_context.ProviderId}: {route.ComponentId} failed mid-response to {head}: {e.Message}");
            http.Abort();
        }
    }

    private static Task Plain(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(message + "\n");
    }

    public void Dispose() => _listeners.Dispose();
}
