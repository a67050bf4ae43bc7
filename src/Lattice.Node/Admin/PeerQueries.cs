// `get hosts` and `get inventory`: every member is asked for itself through its AdminPeer, all at
// once, each with a short timeout, so one unreachable host costs seconds, not the whole answer.
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;

namespace Lattice.Node.Admin;

internal static class PeerQueries
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(3);

    public static async Task<IReadOnlyList<HostInfo>> HostsAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var state = Cluster.Get(system).State;
        var asks = state.Members.Select(async m =>
        {
            var reachable = !state.Unreachable.Contains(m);
            var reply = reachable ? await AskAsync<HostInfoReply>(system, m.Address, new HostInfoRequest(), cancellationToken) : null;
            return new HostInfo(reply?.HostId, m.Address.ToString(), m.Status.ToString().ToLowerInvariant(), reachable,
                reply?.Labels ?? new Dictionary<string, string>(), reply?.StartedAt,
                reply is null ? null : Math.Round((DateTimeOffset.UtcNow - reply.StartedAt).TotalSeconds, 1), reply?.Lattice, reply?.Version);
        });
        return await Task.WhenAll(asks);
    }

    /// <summary>The inventory of every host, or of the one whose host id (or a unique prefix of it) or address is <paramref name="host"/>.</summary>
    public static async Task<IReadOnlyList<HostInventory>> InventoryAsync(ActorSystem system, string? host, CancellationToken cancellationToken)
    {
        var hosts = await HostsAsync(system, cancellationToken);
        if (host is not null) hosts = [Pick(hosts, host)];
        var asks = hosts.Select(async h =>
        {
            if (!h.Reachable) return new HostInventory(h.HostId, h.Address, null, "unreachable");
            var reply = await AskAsync<InventoryReply>(system, Address.Parse(h.Address), new InventoryRequest(), cancellationToken);
            return reply is null ? new HostInventory(h.HostId, h.Address, null, "no answer")
                : new HostInventory(reply.HostId, h.Address, reply.Json is null ? null : JsonNode.Parse(reply.Json), reply.Error);
        });
        return await Task.WhenAll(asks);
    }

    private static HostInfo Pick(IReadOnlyList<HostInfo> hosts, string host)
    {
        var exact = hosts.Where(h => h.HostId == host || h.Address == host).ToList();
        var matches = exact.Count > 0 ? exact : hosts.Where(h => h.HostId?.StartsWith(host, StringComparison.Ordinal) == true).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new AdminRequestException(404, $"no host '{host}' in this lattice (hosts: {string.Join(", ", hosts.Select(h => h.HostId ?? h.Address))})"),
            _ => throw new AdminRequestException(400, $"'{host}' matches {matches.Count} hosts; give more of the host id"),
        };
    }

    private static async Task<T?> AskAsync<T>(ActorSystem system, Address address, object request, CancellationToken cancellationToken) where T : class
    {
        try { return await AdminPeer.At(system, address).Ask<T>(request, PeerTimeout, cancellationToken); }
        catch (AskTimeoutException) { return null; }
    }
}
