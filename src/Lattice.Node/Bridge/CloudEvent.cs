// Lattice events as a wasmCloud host publishes them: CloudEvents 1.0 in structured JSON mode on
// `wasmbus.evt.{lattice}.{name}`, type `com.wasmcloud.lattice.{name}`, source = the publishing
// host's id (wash and wadm attribute events to hosts by it), a time-ordered UUID as id.
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lattice.Node.Bridge;

/// <summary>One event to publish: its name (e.g. <c>component_scaled</c>) and its data.</summary>
internal sealed record BusEvent(string Name, JsonObject Data);

internal static class CloudEvent
{
    public const string TypePrefix = "com.wasmcloud.lattice.";

    public static string Subject(string lattice, string name) => $"wasmbus.evt.{lattice}.{name}";

    public static byte[] Envelope(BusEvent e, string source, DateTimeOffset now) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.CreateVersion7(now).ToString(),
            ["type"] = TypePrefix + e.Name,
            ["source"] = source,
            ["time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = e.Data.DeepClone(),
        }, CtlJson.Options);
}
