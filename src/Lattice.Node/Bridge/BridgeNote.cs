// What a bridge tells the other bridges of the cluster after it carried out a ctl request: the state
// version the change produced (the leader then does not publish that change's events a second time)
// and the wasmCloud reference it was given (so every host's inventory shows it). Sent over Akka's
// DistributedPubSub as a JSON string, which Akka serializes itself: no serializer to register.
using System.Text.Json;

namespace Lattice.Node.Bridge;

internal sealed record BridgeNote(long Version, string? Kind = null, string? Id = null, string? ImageRef = null, string? Resolved = null,
    Dictionary<string, string>? Annotations = null)
{
    public const string Topic = "lattice-nats-bridge";
    private const string Prefix = "nats-bridge-note ";

    public const string ComponentKind = "component";
    public const string ProviderKind = "provider";

    public string ToMessage() => Prefix + JsonSerializer.Serialize(this, CtlJson.Options);

    public static BridgeNote? Parse(string message)
    {
        if (!message.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        try { return JsonSerializer.Deserialize<BridgeNote>(message.AsSpan(Prefix.Length), CtlJson.Options); }
        catch (JsonException) { return null; }
    }

    /// <summary>Records what this note says about a reference.</summary>
    public void ApplyTo(KnownRefs refs)
    {
        if (Id is null || ImageRef is null || Resolved is null) return;
        var entry = new KnownRefs.Entry(ImageRef, Annotations ?? [], Resolved);
        if (Kind == ComponentKind) refs.Component(Id, entry);
        else if (Kind == ProviderKind) refs.Provider(Id, entry);
    }
}
