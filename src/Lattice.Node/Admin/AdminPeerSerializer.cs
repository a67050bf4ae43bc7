// The peer messages cross hosts, and the lattice's serialization is strict (no JSON fallback), so
// they get their own small serializer: JSON under a stable tag per type.
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Lattice.Node.Admin;

internal sealed class AdminPeerSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Distinct from the runtime's serializer (4711); Akka reserves 0-40.</summary>
    public const int Id = 4790;

    private static readonly (string Tag, Type Type)[] Table =
    [
        ("host?", typeof(HostInfoRequest)), ("host", typeof(HostInfoReply)),
        ("inventory?", typeof(InventoryRequest)), ("inventory", typeof(InventoryReply)),
    ];

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Table.FirstOrDefault(t => t.Type == o.GetType()).Tag ?? throw new ArgumentException($"{o.GetType()} is not an admin peer message");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), AdminJson.Options);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var type = Table.FirstOrDefault(t => t.Tag == manifest).Type ?? throw new ArgumentException($"unknown admin peer manifest '{manifest}'");
        return JsonSerializer.Deserialize(bytes, type, AdminJson.Options)!;
    }
}
