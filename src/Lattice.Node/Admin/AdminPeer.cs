// Every host runs one AdminPeer at /user/lattice-admin, so any host's admin API can describe the
// whole lattice: a member's host id, labels and inventory are asked of that member over Akka
// remoting (admin APIs listen on loopback only, so hosts never reach each other's over HTTP).
using System.Text.Json;
using Akka.Actor;
using Lattice.Node.Hosting;

namespace Lattice.Node.Admin;

/// <summary>Marker for the peer messages <see cref="AdminPeerSerializer"/> owns.</summary>
internal interface IAdminPeerMessage;

internal sealed record HostInfoRequest : IAdminPeerMessage;

internal sealed record HostInfoReply(string HostId, Dictionary<string, string> Labels, DateTimeOffset StartedAt, string Lattice, string Version) : IAdminPeerMessage;

internal sealed record InventoryRequest : IAdminPeerMessage;

/// <summary>The runtime's inventory as JSON text (its shape is the runtime's), or why there is none yet.</summary>
internal sealed record InventoryReply(string HostId, string? Json, string? Error) : IAdminPeerMessage;

internal sealed class AdminPeer : ReceiveActor
{
    public const string Name = "lattice-admin";

    public AdminPeer(LatticeNode node)
    {
        Receive<HostInfoRequest>(_ => Sender.Tell(new HostInfoReply(
            node.Identity.HostId, new Dictionary<string, string>(node.Identity.Labels), node.Identity.StartedAt, node.Identity.Lattice, node.Identity.Version)));
        Receive<InventoryRequest>(_ =>
        {
            if (node.Runtime is not { } runtime)
            {
                Sender.Tell(new InventoryReply(node.Identity.HostId, null, "the host is still starting"));
                return;
            }
            // The runtime answers asynchronously; the reply goes to the asker, never through this actor's state.
            LatticeNode.InventoryOf(runtime).PipeTo(Sender,
                success: inventory => new InventoryReply(node.Identity.HostId, JsonSerializer.Serialize(inventory, AdminJson.Options), null),
                failure: e => new InventoryReply(node.Identity.HostId, null, "inventory: " + e.Message));
        });
    }

    public static ActorSelection At(ActorSystem system, Address address) =>
        system.ActorSelection(new RootActorPath(address) / "user" / Name);
}
