using Lattice.Actors.Providers;
using Lattice.Providers.Http;

namespace Lattice.Tests.Providers.Http;

public sealed class HttpRoutesSpec
{
    private static ProviderLink Link(string component, params (string Key, string Value)[] config) =>
        new(component, "default", ["incoming-handler"], config.ToDictionary(c => c.Key, c => c.Value));

    private static HttpRoutes Routes(params ProviderLink[] links) =>
        HttpRoutes.From(new ProviderLinks(links, []), new Dictionary<string, string> { ["address"] = "127.0.0.1:9000" });

    [Fact]
    public void Each_address_gets_a_listener_and_links_without_one_share_the_providers()
    {
        var routes = Routes(Link("a", ("address", "127.0.0.1:8081")), Link("b"), Link("c", ("path", "/c")));
        Assert.Equal(["127.0.0.1:8081", "127.0.0.1:9000"], routes.Addresses.Order());
        Assert.Equal("a", routes.Match("127.0.0.1:8081", "localhost:8081", "/anything")!.ComponentId);
        Assert.Equal("b", routes.Match("127.0.0.1:9000", null, "/")!.ComponentId);
        Assert.Null(routes.Match("127.0.0.1:7777", null, "/"));
    }

    [Fact]
    public void The_longest_matching_path_wins_and_a_prefix_matches_only_whole_segments()
    {
        var routes = Routes(Link("root"), Link("api", ("path", "api/")), Link("v2", ("path", "/api/v2")));
        Assert.Equal("v2", routes.Match("127.0.0.1:9000", null, "/api/v2/items")!.ComponentId);
        Assert.Equal("api", routes.Match("127.0.0.1:9000", null, "/api")!.ComponentId);
        Assert.Equal("api", routes.Match("127.0.0.1:9000", null, "/api/v1")!.ComponentId);
        Assert.Equal("root", routes.Match("127.0.0.1:9000", null, "/apix")!.ComponentId);
    }

    [Fact]
    public void A_host_route_beats_a_hostless_one_and_ignores_the_port_and_case()
    {
        var routes = Routes(Link("any"), Link("shop", ("host", "Shop.Example")));
        Assert.Equal("shop", routes.Match("127.0.0.1:9000", "shop.example:9000", "/")!.ComponentId);
        Assert.Equal("any", routes.Match("127.0.0.1:9000", "other.example", "/")!.ComponentId);
    }

    [Fact]
    public void Two_links_claiming_the_same_route_conflict_and_the_first_by_id_keeps_it()
    {
        var routes = Routes(Link("zeta", ("path", "/x")), Link("alpha", ("path", "/x")));
        Assert.Equal("alpha", routes.Match("127.0.0.1:9000", null, "/x")!.ComponentId);
        Assert.Contains("zeta", Assert.Single(routes.Conflicts));
    }
}
