// One serializer for every message, event and snapshot of the lattice (no Newtonsoft fallback).
//
// The manifest is a short stable tag per type (never the CLR name, so renaming a class cannot break
// recovery of the journal); the payload is MessagePack, keyed by property name. Polymorphic fields
// are avoided in the message design: each message's concrete type is its manifest. The lattice
// state travels and is snapshotted as StateSnapshot (arrays instead of immutable collections).
using Akka.Actor;
using Akka.Serialization;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Model;
using MessagePack;
using MessagePack.Resolvers;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Lattice.Serialization;

public sealed class LatticeSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Our serializer id (Akka reserves 0-40).</summary>
    public const int Id = 4711;

    internal static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolverAllowPrivate.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    // Tags are persisted: add new ones, never change or reuse one.
    private static readonly (string Tag, Type Type)[] Table =
    [
        ("ev.link-put", typeof(LinkPut)), ("ev.link-del", typeof(LinkDeleted)),
        ("ev.config-put", typeof(ConfigPut)), ("ev.config-del", typeof(ConfigDeleted)),
        ("ev.comp-start", typeof(ComponentStarted)), ("ev.comp-scale", typeof(ComponentScaled)), ("ev.comp-stop", typeof(ComponentStopped)),
        ("ev.prov-start", typeof(ProviderStarted)), ("ev.prov-stop", typeof(ProviderStopped)),
        ("cmd.link-put", typeof(PutLink)), ("cmd.link-del", typeof(DeleteLink)),
        ("cmd.config-put", typeof(PutConfig)), ("cmd.config-del", typeof(DeleteConfig)),
        ("cmd.comp-start", typeof(StartComponent)), ("cmd.comp-scale", typeof(ScaleComponent)), ("cmd.comp-stop", typeof(StopComponent)),
        ("cmd.prov-start", typeof(StartProvider)), ("cmd.prov-stop", typeof(StopProvider)),
        ("state", typeof(StateSnapshot)),
        ("q.state", typeof(GetLatticeState)), ("r.state", typeof(StateReply)), ("r.command", typeof(CommandReply)),
        ("pub.state", typeof(LatticeStateChanged)), ("env.command", typeof(LatticeCommandEnvelope)),
        ("call.json", typeof(InvokeJson)), ("r.call", typeof(InvokeReply)),
        ("i.invoke", typeof(InstanceInvoke)), ("i.http", typeof(HttpInvoke)), ("r.http", typeof(HttpReply)),
        ("i.announce", typeof(InstanceAnnounce)), ("i.announce-req", typeof(AnnounceRequest)), ("i.ensure", typeof(EnsureInstance)), ("i.retire", typeof(RetireInstance)),
        ("p.request", typeof(ProviderRequest)), ("p.result", typeof(ProviderResult)),
        ("p.invoke", typeof(ProviderInvoke)), ("p.ensure", typeof(EnsureProvider)), ("p.retire", typeof(RetireProvider)),
        ("ev.host-label", typeof(HostLabeled)), ("cmd.host-label", typeof(LabelHost)),
    ];

    private static readonly Dictionary<Type, string> TagOf = Table.ToDictionary(t => t.Type, t => t.Tag);
    private static readonly Dictionary<string, Type> TypeOf = Table.ToDictionary(t => t.Tag, t => t.Type);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        TagOf.TryGetValue(o.GetType(), out var tag) ? tag
            : o is LatticeState ? "state"
            : throw new SerializationException($"{o.GetType().FullName} has no lattice serializer tag");

    public override byte[] ToBinary(object obj) => obj switch
    {
        LatticeState state => MessagePackSerializer.Serialize(StateSnapshot.From(state), Options),
        StateReply r => MessagePackSerializer.Serialize(new StateReplyWire(StateSnapshot.From(r.State)), Options),
        CommandReply r => MessagePackSerializer.Serialize(new CommandReplyWire(r.State is null ? null : StateSnapshot.From(r.State), r.Error), Options),
        LatticeStateChanged c => MessagePackSerializer.Serialize(new StateReplyWire(StateSnapshot.From(c.State)), Options),
        LatticeCommandEnvelope e => MessagePackSerializer.Serialize(new CommandWire(Manifest(e.Command), ToBinary(e.Command)), Options),
        InstanceAnnounce a => MessagePackSerializer.Serialize(new AnnounceWire(a.ComponentId, a.EntityId,
            Akka.Serialization.Serialization.SerializedActorPath(a.Instance), a.Up), Options),
        _ => MessagePackSerializer.Serialize(obj.GetType(), obj, Options),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeOf.TryGetValue(manifest, out var type)) throw new SerializationException($"unknown lattice manifest '{manifest}'");
        if (type == typeof(StateSnapshot)) return Deserialize<StateSnapshot>(bytes).ToState();
        if (type == typeof(StateReply)) return new StateReply(Deserialize<StateReplyWire>(bytes).State.ToState());
        if (type == typeof(LatticeStateChanged)) return new LatticeStateChanged(Deserialize<StateReplyWire>(bytes).State.ToState());
        if (type == typeof(CommandReply))
        {
            var w = Deserialize<CommandReplyWire>(bytes);
            return new CommandReply(w.State?.ToState(), w.Error);
        }
        if (type == typeof(InstanceAnnounce))
        {
            var w = Deserialize<AnnounceWire>(bytes);
            return new InstanceAnnounce(w.ComponentId, w.EntityId, system.Provider.ResolveActorRef(w.Instance), w.Up);
        }
        if (type == typeof(LatticeCommandEnvelope))
        {
            var w = Deserialize<CommandWire>(bytes);
            return new LatticeCommandEnvelope((LatticeCommand)FromBinary(w.Payload, w.Tag));
        }
        return MessagePackSerializer.Deserialize(type, bytes, Options)
            ?? throw new SerializationException($"empty payload for '{manifest}'");
    }

    private static T Deserialize<T>(byte[] bytes) => MessagePackSerializer.Deserialize<T>(bytes, Options);

    internal sealed record StateReplyWire(StateSnapshot State);
    internal sealed record CommandReplyWire(StateSnapshot? State, string? Error);
    internal sealed record CommandWire(string Tag, byte[] Payload);
    internal sealed record AnnounceWire(string ComponentId, string EntityId, string Instance, bool Up);
}

/// <summary>
/// Bound to <c>System.Object</c> in place of Akka's JSON default: any message type that has no
/// serializer of its own fails loudly instead of silently going over the wire (or into the journal)
/// as Newtonsoft JSON with CLR type names.
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <summary>Akka passes the settings it keeps for the "json" name (serialization-settings.json).</summary>
    public RefusingSerializer(ExtendedActorSystem system, Akka.Configuration.Config _) : this(system)
    {
    }

    public override int Identifier => 4712;
    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"no serializer is bound for {obj.GetType().FullName}; lattice messages must implement ILatticeMessage");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"no serializer is bound for {type?.FullName ?? "this message"}");
}
