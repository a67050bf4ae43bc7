// The value of a key in wasmCloud's CONFIGDATA_{lattice} bucket: a JSON map of string to string,
// named by the key. Names beginning SECRET_ hold secret references for wasmCloud's secrets
// service; they are not configs and are never mirrored either way.
using System.Text.Json;

namespace Lattice.Node.Bridge.SharedState;

internal static class ConfigValues
{
    public static bool IsMirrored(string name) => !name.StartsWith("SECRET_", StringComparison.Ordinal);

    /// <summary>Throws <see cref="JsonException"/> when the value is not a map of string to string.</summary>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> value) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(value, CtlJson.Options) ?? throw new JsonException("the value is null");

    public static byte[] ToBytes(IReadOnlyDictionary<string, string> values) => JsonSerializer.SerializeToUtf8Bytes(values, CtlJson.Options);

    public static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
