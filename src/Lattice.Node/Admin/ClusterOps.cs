// Membership as Petabridge.Cmd's `cluster` palette shows and changes it, straight from Akka.Cluster,
// with each member's labels as the lattice state has changed them (`lattice label`).
using Akka.Actor;
using Akka.Cluster;
using Lattice.Actors;
using Lattice.Model;

namespace Lattice.Node.Admin;

internal static class ClusterOps
{
    public static ClusterInfo Show(ActorSystem system, LatticeState? lattice)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var members = state.Members.Select(m => Describe(m, state, cluster.SelfAddress, lattice))
            // Unreachable members that already left the member set are still worth seeing.
            .Concat(state.Unreachable.Where(u => !state.Members.Contains(u)).Select(m => Describe(m, state, cluster.SelfAddress, lattice)))
            .ToList();
        return new ClusterInfo(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }

    public static MemberInfo Self(ActorSystem system, LatticeState? lattice)
    {
        var cluster = Cluster.Get(system);
        return Describe(cluster.SelfMember, cluster.State, cluster.SelfAddress, lattice);
    }

    /// <summary>
    /// Changes one member's labels (this host's when no address): each set or removed label is a
    /// LabelHost command, persisted before the answer. Placement sees them on every host.
    /// </summary>
    public static async Task<MemberInfo> LabelAsync(ActorSystem system, LatticeClient client, LabelBody body, CancellationToken ct)
    {
        var cluster = Cluster.Get(system);
        var member = body.Address is null ? cluster.SelfMember : Member(cluster, body.Address);
        var set = body.Set ?? new Dictionary<string, string>();
        var remove = body.Remove ?? [];
        if (set.Count == 0 && remove.Count == 0) throw new AdminRequestException(400, "nothing to change: give KEY=VALUE to set or KEY- to remove");
        if (set.Keys.Intersect(remove).FirstOrDefault() is { } both) throw new AdminRequestException(400, $"label '{both}' is both set and removed");
        var host = member.Address.ToString();
        var state = await client.GetStateAsync(ct);
        foreach (var key in remove) state = await client.SendAsync(new LabelHost(host, key, null), ct);
        foreach (var (key, value) in set) state = await client.SendAsync(new LabelHost(host, key, value), ct);
        return Describe(member, cluster.State, cluster.SelfAddress, state);
    }

    public static LeaderInfo Leader(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        return new LeaderInfo(cluster.State.Leader?.ToString(), cluster.SelfAddress.ToString());
    }

    /// <summary>Graceful leave of <paramref name="address"/> (this host when null): shards hand off, then it exits.</summary>
    public static string Leave(ActorSystem system, string? address)
    {
        var cluster = Cluster.Get(system);
        var target = address is null ? cluster.SelfAddress : Member(cluster, address).Address;
        cluster.Leave(target);
        return target.ToString();
    }

    public static IReadOnlyList<string> DownUnreachable(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var downed = cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in downed) cluster.Down(address);
        return downed.Select(a => a.ToString()).ToList();
    }

    public static string Join(ActorSystem system, string address)
    {
        var cluster = Cluster.Get(system);
        var target = ParseAddress(system, address);
        cluster.Join(target);
        return target.ToString();
    }

    /// <summary>A full address (<c>akka.tcp://lattice@host:port</c>) or the <c>host:port</c> shorthand in this lattice.</summary>
    public static Address ParseAddress(ActorSystem system, string text)
    {
        if (text.Contains("://", StringComparison.Ordinal))
        {
            try { return Address.Parse(text); }
            catch (Exception e) when (e is UriFormatException or ArgumentException) { throw new AdminRequestException(400, $"'{text}' is not an actor system address ({e.Message})"); }
        }
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
            throw new AdminRequestException(400, $"'{text}' is not an address: expected HOST:PORT or akka.tcp://{system.Name}@HOST:PORT");
        return new Address("akka.tcp", system.Name, text[..colon], port);
    }

    private static Member Member(Cluster cluster, string address)
    {
        var target = ParseAddress(cluster.System, address);
        return cluster.State.Members.FirstOrDefault(m => m.Address.Equals(target))
            ?? throw new AdminRequestException(404, $"{target} is not a member of this cluster (members: {string.Join(", ", cluster.State.Members.Select(m => m.Address))})");
    }

    private static MemberInfo Describe(Member m, ClusterEvent.CurrentClusterState state, Address self, LatticeState? lattice) => new(
        m.Address.ToString(),
        m.Status.ToString().ToLowerInvariant(),
        !state.Unreachable.Contains(m),
        m.Roles.Order(StringComparer.Ordinal).ToList(),
        m.Address.Equals(state.Leader),
        m.Address.Equals(self),
        m.AppVersion.ToString(),
        (lattice ?? LatticeState.Empty).LabelsOf(m.Address.ToString(), m.Roles));
}
