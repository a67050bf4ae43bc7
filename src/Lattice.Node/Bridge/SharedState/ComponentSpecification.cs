// The value of a `COMPONENT_{id}` key in wasmCloud's LATTICEDATA_{lattice} bucket: where the
// component comes from (`url`) and every link whose source it is, in the control interface's Link
// JSON (the same CtlLink the bridge answers link.get with). wasmCloud 1.x reads `url` as a string
// (later versions accept null), so we always write one; `links` may be absent (serde default).
using System.Text.Json;
using Lattice.Model;

namespace Lattice.Node.Bridge.SharedState;

internal sealed record ComponentSpecification
{
    public const string KeyPrefix = "COMPONENT_";

    public string? Url { get; init; }

    public List<CtlLink> Links { get; init; } = [];

    public static string Key(string id) => KeyPrefix + id;

    /// <summary>The component id a LATTICEDATA key names, or null for the keys we leave alone (CLAIMS_, LINKDEF_, REFMAP_, ...).</summary>
    public static string? IdOf(string key) =>
        key.StartsWith(KeyPrefix, StringComparison.Ordinal) && key.Length > KeyPrefix.Length ? key[KeyPrefix.Length..] : null;

    /// <summary>Throws <see cref="JsonException"/> when the value is not a component specification.</summary>
    public static ComponentSpecification Parse(ReadOnlySpan<byte> value) =>
        JsonSerializer.Deserialize<ComponentSpecification>(value, CtlJson.Options) ?? throw new JsonException("the value is null");

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, CtlJson.Options);

    /// <summary>The links of <paramref name="id"/> in our model (links naming another source are not its own and are left out).</summary>
    public IReadOnlyList<LinkDefinition> LinksOf(string id) =>
        [.. Links.Where(l => l.SourceId == id).Select(LinkMapping.ToModel)];
}
