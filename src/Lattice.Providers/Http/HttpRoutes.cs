// Which component answers a request, from the http-server provider's links (wasmCloud 1.x's
// http-server: the provider is the link's source, the component its target on
// wasi:http/incoming-handler, and the link's source config says where).
//
// Source config keys (case-insensitive):
//   address   host:port to listen on; links without one share the provider's `address`
//             (provider config, default 127.0.0.1:8000)
//   path      route by path prefix on that listener ("/api" matches /api and /api/...)
//   host      route by Host header (without port)
// On one listener the most specific route wins: a matching host before none, then the longest
// matching path. One listener per address; two links that claim the same address, host and path
// conflict and the first one (by component id) wins, the other is reported.
using Lattice.Actors.Providers;

namespace Lattice.Providers.Http;

internal sealed record HttpRoute(string Address, string? Host, string Path, string ComponentId);

internal sealed class HttpRoutes
{
    public const string DefaultAddress = "127.0.0.1:8000";

    private readonly Dictionary<string, List<HttpRoute>> _byAddress;

    private HttpRoutes(Dictionary<string, List<HttpRoute>> byAddress, IReadOnlyList<string> conflicts)
    {
        _byAddress = byAddress;
        Conflicts = conflicts;
    }

    public static readonly HttpRoutes None = new([], []);

    /// <summary>Addresses that need a listener.</summary>
    public IReadOnlyCollection<string> Addresses => _byAddress.Keys;

    /// <summary>Links that lost to another claiming the same address, host and path.</summary>
    public IReadOnlyList<string> Conflicts { get; }

    public static HttpRoutes From(ProviderLinks links, IReadOnlyDictionary<string, string> providerConfig)
    {
        var fallback = Setting(providerConfig, "address") ?? DefaultAddress;
        var byAddress = new Dictionary<string, List<HttpRoute>>(StringComparer.OrdinalIgnoreCase);
        var conflicts = new List<string>();
        foreach (var link in links.AsSource.Where(l => l.Interfaces.Contains("incoming-handler")).OrderBy(l => l.PeerId, StringComparer.Ordinal))
        {
            var route = new HttpRoute(Setting(link.Config, "address") ?? fallback, Setting(link.Config, "host")?.ToLowerInvariant(),
                NormalizePath(Setting(link.Config, "path")), link.PeerId);
            if (!byAddress.TryGetValue(route.Address, out var routes)) byAddress[route.Address] = routes = [];
            if (routes.FirstOrDefault(r => r.Host == route.Host && r.Path == route.Path) is { } taken)
            {
                conflicts.Add($"{route.ComponentId}: {route.Address}{route.Path} (host {route.Host ?? "any"}) is already routed to {taken.ComponentId}");
                continue;
            }
            routes.Add(route);
        }
        return new HttpRoutes(byAddress, conflicts);
    }

    /// <summary>The component for a request that came in on <paramref name="address"/>, or null.</summary>
    public HttpRoute? Match(string address, string? hostHeader, string path)
    {
        // Per request: no LINQ, no allocation unless the Host header has to lose its port or case.
        if (!_byAddress.TryGetValue(address, out var routes)) return null;
        var host = hostHeader is null ? null : StripPort(hostHeader);
        HttpRoute? best = null;
        foreach (var r in routes)
        {
            if (r.Host is not null && !string.Equals(r.Host, host, StringComparison.OrdinalIgnoreCase)) continue;
            if (!PathMatches(r.Path, path)) continue;
            if (best is null || (r.Host is not null && best.Host is null)
                || ((r.Host is null) == (best.Host is null) && r.Path.Length > best.Path.Length))
                best = r;
        }
        return best;
    }

    private static bool PathMatches(string prefix, string path) =>
        prefix == "/" || path.Equals(prefix, StringComparison.Ordinal) || path.StartsWith(prefix + "/", StringComparison.Ordinal);

    private static string NormalizePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "/";
        var p = "/" + path.Trim().Trim('/');
        return p;
    }

    private static string StripPort(string host)
    {
        if (host.StartsWith('[')) return host[..(host.IndexOf(']') + 1)];
        var colon = host.LastIndexOf(':');
        return colon > 0 ? host[..colon] : host;
    }

    internal static string? Setting(IReadOnlyDictionary<string, string> config, string key) =>
        config.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v.Trim() : null;
}
