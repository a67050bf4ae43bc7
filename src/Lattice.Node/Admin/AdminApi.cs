// The admin HTTP API under /v1 (JSON, loopback by default). Any host serves the whole lattice:
// membership and sharding from Akka, hosts and inventories from each member's AdminPeer, desired
// state and calls through this host's LatticeClient.
using Akka.Actor;
using Lattice.Actors;
using Lattice.Model;
using Lattice.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lattice.Node.Admin;

internal static class AdminApi
{
    /// <summary>The largest component the API takes, uploaded or fetched.</summary>
    public const long MaxArtifactBytes = 256L * 1024 * 1024;

    public static void Map(WebApplication app)
    {
        AdminErrors.Use(app);
        var v1 = app.MapGroup("/v1");
        MapCluster(v1);
        MapHosts(v1);
        MapState(v1);
        ComponentEndpoints.Map(v1);
    }

    private static void MapCluster(RouteGroupBuilder v1)
    {
        v1.MapGet("/cluster", (ActorSystem system, LatticeNode node) => ClusterOps.Show(system, node.Runtime?.CurrentState));
        v1.MapGet("/cluster/self", (ActorSystem system, LatticeNode node) => ClusterOps.Self(system, node.Runtime?.CurrentState));
        v1.MapPost("/cluster/labels", async (ActorSystem system, LatticeNode node, LabelBody body, CancellationToken ct) =>
            await ClusterOps.LabelAsync(system, await node.ClientAsync(ct), body, ct));
        v1.MapGet("/cluster/leader", (ActorSystem system) => ClusterOps.Leader(system));
        v1.MapPost("/cluster/leave", (ActorSystem system, AddressBody? body) => new AddressBody(ClusterOps.Leave(system, body?.Address)));
        v1.MapPost("/cluster/down-unreachable", (ActorSystem system) => new DownedInfo(ClusterOps.DownUnreachable(system)));
        v1.MapPost("/cluster/join", (ActorSystem system, AddressBody body) =>
            new AddressBody(ClusterOps.Join(system, body.Address ?? throw new AdminRequestException(400, "join needs an address"))));
        v1.MapGet("/sharding/regions", (ActorSystem system) => ShardingOps.Regions(system));
        v1.MapGet("/sharding/regions/{type}", (ActorSystem system, string type, CancellationToken ct) => ShardingOps.StatsAsync(system, type, ct));
    }

    private static void MapHosts(RouteGroupBuilder v1)
    {
        v1.MapGet("/hosts", (ActorSystem system, CancellationToken ct) => PeerQueries.HostsAsync(system, ct));
        v1.MapGet("/inventory", (ActorSystem system, CancellationToken ct) => PeerQueries.InventoryAsync(system, null, ct));
        v1.MapGet("/inventory/{host}", async (ActorSystem system, string host, CancellationToken ct) =>
            (await PeerQueries.InventoryAsync(system, host, ct))[0]);
    }

    private static void MapState(RouteGroupBuilder v1)
    {
        v1.MapGet("/links", async (LatticeNode node, CancellationToken ct) =>
            (await (await node.ClientAsync(ct)).GetStateAsync(ct)).Links.Select(ToBody).ToList());
        v1.MapPut("/links", async (LatticeNode node, LinkBody link, CancellationToken ct) =>
        {
            await (await node.ClientAsync(ct)).SendAsync(new PutLink(FromBody(link)), ct);
            return link;
        });
        v1.MapDelete("/links/{source}/{package}", async (LatticeNode node, string source, string package, string? name, CancellationToken ct) =>
        {
            var colon = package.IndexOf(':');
            if (colon <= 0 || colon == package.Length - 1) throw new AdminRequestException(400, $"'{package}' is not NAMESPACE:PACKAGE");
            await (await node.ClientAsync(ct)).SendAsync(new DeleteLink(source, package[..colon], package[(colon + 1)..], name ?? LinkDefinition.DefaultName), ct);
            return Results.NoContent();
        });

        v1.MapGet("/configs", async (LatticeNode node, CancellationToken ct) =>
            (await (await node.ClientAsync(ct)).GetStateAsync(ct)).Configs.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(Redacted).ToList());
        v1.MapGet("/configs/{name}", async (LatticeNode node, string name, CancellationToken ct) =>
            (await (await node.ClientAsync(ct)).GetStateAsync(ct)).Configs.TryGetValue(name, out var config)
                ? Redacted(config) : throw new AdminRequestException(404, $"no config named '{name}'"));
        v1.MapPut("/configs/{name}", async (LatticeNode node, string name, Dictionary<string, string> values, CancellationToken ct) =>
        {
            var config = new NamedConfig(name, values);
            await (await node.ClientAsync(ct)).SendAsync(new PutConfig(config), ct);
            return Redacted(config);
        });
        v1.MapDelete("/configs/{name}", async (LatticeNode node, string name, CancellationToken ct) =>
        {
            await (await node.ClientAsync(ct)).SendAsync(new DeleteConfig(name), ct);
            return Results.NoContent();
        });
    }

    /// <summary>Secret-looking values never leave the host.</summary>
    private static ConfigBody Redacted(NamedConfig config) =>
        new(config.Name, new SortedDictionary<string, string>(config.Redacted().ToDictionary(), StringComparer.Ordinal));

    private static LinkBody ToBody(LinkDefinition l) =>
        new(l.Source, l.Target, l.Namespace, l.Package, l.Interfaces, l.Name, l.SourceConfigNames, l.TargetConfigNames);

    private static LinkDefinition FromBody(LinkBody b) =>
        new(b.SourceId, b.Target, b.WitNamespace, b.WitPackage, b.Interfaces ?? [], string.IsNullOrEmpty(b.Name) ? LinkDefinition.DefaultName : b.Name,
            b.SourceConfig ?? [], b.TargetConfig ?? []);
}
