// The admin API's JSON shapes, shared by the server (AdminApi) and the CLI's client (AdminClient).
// snake_case like wash's JSON output; links keep wasmCloud's field names.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lattice.Node.Admin;

internal static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>Every failed request answers with this body; <see cref="Kind"/> is a call failure kind when there is one.</summary>
internal sealed record ErrorBody(string Error, string? Kind = null);

/// <summary>A member; <see cref="Labels"/> are its start-up labels with the lattice's label changes applied.</summary>
internal sealed record MemberInfo(
    string Address, string Status, bool Reachable, IReadOnlyList<string> Roles, bool IsLeader, bool IsSelf, string AppVersion,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>`lattice label`: labels to set and keys to remove on one member (this host when no address).</summary>
internal sealed record LabelBody(string? Address, IReadOnlyDictionary<string, string>? Set, IReadOnlyList<string>? Remove);

/// <summary>`cluster show`: every member as this host sees it.</summary>
internal sealed record ClusterInfo(string Self, string? Leader, IReadOnlyList<MemberInfo> Members);

internal sealed record LeaderInfo(string? Leader, string Self);

/// <summary>The address a cluster operation acted on.</summary>
internal sealed record AddressBody(string? Address);

internal sealed record DownedInfo(IReadOnlyList<string> Downed);

/// <summary>One member as a host (`get hosts`): its own description, asked over remoting; null fields when it did not answer.</summary>
internal sealed record HostInfo(
    string? HostId, string Address, string Status, bool Reachable, IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? StartedAt, double? UptimeSeconds, string? Lattice, string? Version);

internal sealed record RegionList(IReadOnlyList<string> Regions);

internal sealed record RegionMemberStats(string Address, string? Status, int Shards, int Entities);

/// <summary>`cluster-sharding region-stats -r TYPE`: shards and entities per member, plus shards that did not answer.</summary>
internal sealed record RegionStats(string Region, IReadOnlyList<RegionMemberStats> Members, IReadOnlyList<string> FailedShards);

/// <summary>What runs on one host; <see cref="Inventory"/> is the runtime's own description, as JSON.</summary>
internal sealed record HostInventory(string? HostId, string Address, JsonNode? Inventory, string? Error = null);

internal sealed record LinkBody(
    string SourceId, string Target, string WitNamespace, string WitPackage, IReadOnlyList<string> Interfaces,
    string Name, IReadOnlyList<string> SourceConfig, IReadOnlyList<string> TargetConfig);

internal sealed record ConfigBody(string Name, IReadOnlyDictionary<string, string> Values);

internal sealed record ArtifactInfo(string Sha256, long Size);

/// <summary>Start (or update) a component: exactly one of <see cref="Artifact"/> (a sha256 in the lattice) or <see cref="Url"/>.</summary>
internal sealed record ComponentStartBody(
    string Id, string? Artifact, string? Url, int Instances, IReadOnlyList<string>? Config,
    IReadOnlyDictionary<string, string>? Placement, double? TimeoutSeconds);

/// <summary>A component of the desired state; <see cref="Annotations"/> (left out when none) as tools such as the NATS bridge keep them.</summary>
internal sealed record ComponentInfo(
    string Id, string Artifact, int Instances, IReadOnlyList<string> Config, IReadOnlyDictionary<string, string> Placement, double? TimeoutSeconds,
    IReadOnlyDictionary<string, string>? Annotations = null);

internal sealed record ScaleBody(int Instances);

internal sealed record ProviderStartBody(string Id, string Kind, IReadOnlyList<string>? Config);

internal sealed record ProviderInfo(string Id, string Kind, IReadOnlyList<string> Config, IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>A call with JSON arguments; the answer is the result's JSON itself.</summary>
internal sealed record CallBody(string Function, IReadOnlyList<string> Args, double? TimeoutSeconds);
