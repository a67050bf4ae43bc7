// The control interface's JSON shapes (wasmcloud-control-interface 3.x), field for field: requests
// as a wasmCloud host reads them (required fields are required, defaults where serde has them,
// unknown fields ignored) and replies as it writes them (optional fields left out when absent,
// except a component's `limits`, which is always written).
using System.Text.Json.Serialization;

namespace Lattice.Node.Bridge;

internal sealed record ScaleComponentCommand
{
    public string ComponentRef { get; init; } = "";
    [JsonRequired] public string ComponentId { get; init; } = "";
    public Dictionary<string, string>? Annotations { get; init; }
    /// <summary>The wire name is "count" (serde renames max_instances); "max_instances" is accepted too.</summary>
    public uint? Count { get; init; }
    public uint? MaxInstances { get; init; }
    public Dictionary<string, string>? ComponentLimits { get; init; }
    public string HostId { get; init; } = "";
    public List<string> Config { get; init; } = [];
    public bool AllowUpdate { get; init; }

    [JsonIgnore] public uint Instances => Count ?? MaxInstances ?? 0;
}

internal sealed record UpdateComponentCommand
{
    public string ComponentId { get; init; } = "";
    public Dictionary<string, string>? Annotations { get; init; }
    public string HostId { get; init; } = "";
    public string NewComponentRef { get; init; } = "";
}

internal sealed record ComponentAuctionRequest
{
    public string ComponentRef { get; init; } = "";
    [JsonRequired] public string ComponentId { get; init; } = "";
    [JsonRequired] public Dictionary<string, string> Constraints { get; init; } = [];
}

internal sealed record ComponentAuctionAck(string ComponentRef, string ComponentId, string HostId, IReadOnlyDictionary<string, string> Constraints);

internal sealed record StartProviderCommand
{
    [JsonRequired] public string ProviderId { get; init; } = "";
    public string ProviderRef { get; init; } = "";
    public string HostId { get; init; } = "";
    public List<string> Config { get; init; } = [];
    public Dictionary<string, string>? Annotations { get; init; }
}

internal sealed record StopProviderCommand
{
    public string HostId { get; init; } = "";
    public string ProviderId { get; init; } = "";
    /// <summary>serde's alias of provider_id.</summary>
    public string? ProviderRef { get; init; }

    [JsonIgnore] public string Id => ProviderId.Length > 0 ? ProviderId : ProviderRef ?? "";
}

internal sealed record ProviderAuctionRequest
{
    public string ProviderRef { get; init; } = "";
    [JsonRequired] public string ProviderId { get; init; } = "";
    [JsonRequired] public Dictionary<string, string> Constraints { get; init; } = [];
}

internal sealed record ProviderAuctionAck(string HostId, string ProviderRef, string ProviderId, IReadOnlyDictionary<string, string> Constraints);

internal sealed record StopHostCommand
{
    public string HostId { get; init; } = "";
    public ulong? Timeout { get; init; }
}

/// <summary>A link as `wash link put` sends it and `link get` returns it.</summary>
internal sealed record CtlLink
{
    [JsonRequired] public string SourceId { get; init; } = "";
    [JsonRequired] public string Target { get; init; } = "";
    public string Name { get; init; } = "default";
    [JsonRequired] public string WitNamespace { get; init; } = "";
    [JsonRequired] public string WitPackage { get; init; } = "";
    [JsonRequired] public List<string> Interfaces { get; init; } = [];
    public List<string> SourceConfig { get; init; } = [];
    public List<string> TargetConfig { get; init; } = [];
}

internal sealed record DeleteLinkRequest
{
    [JsonRequired] public string SourceId { get; init; } = "";
    public string Name { get; init; } = "default";
    [JsonRequired] public string WitNamespace { get; init; } = "";
    [JsonRequired] public string WitPackage { get; init; } = "";
}

internal sealed record HostLabel
{
    [JsonRequired] public string Key { get; init; } = "";
    [JsonRequired] public string Value { get; init; } = "";
}

internal sealed record HostLabelIdentifier
{
    [JsonRequired] public string Key { get; init; } = "";
}

internal sealed record RegistryCredential
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }
    [JsonPropertyName("registryType")] public string RegistryType { get; init; } = "oci";
}

/// <summary>A host's answer to `host.ping`.</summary>
internal sealed record PingHost(
    string Id,
    string FriendlyName,
    IReadOnlyDictionary<string, string> Labels,
    string Lattice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RpcHost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CtlHost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UptimeHuman,
    ulong UptimeSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Version);

internal sealed record HostInventory(
    IReadOnlyList<ComponentDescription> Components,
    IReadOnlyList<ProviderDescription> Providers,
    string HostId,
    string FriendlyName,
    IReadOnlyDictionary<string, string> Labels,
    string Version,
    string UptimeHuman,
    ulong UptimeSeconds);

internal sealed record ComponentDescription(
    string Id,
    string ImageRef,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Annotations,
    int Revision,
    uint MaxInstances,
    IReadOnlyDictionary<string, string>? Limits);

internal sealed record ProviderDescription(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ImageRef,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    int Revision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Annotations);
